// Facts the build bakes in (build/build.ts defines them); in development they come from the checkout.
import packageJson from "../package.json";

declare const FGM_BUILD: { commit: string; target: string } | undefined;

const build = typeof FGM_BUILD !== "undefined" ? FGM_BUILD : undefined;

export const VERSION: string = packageJson.version;
export const IS_COMPILED = build !== undefined;
export const COMMIT = build?.commit ?? "dev";
export const BUILD_TARGET = build?.target ?? `bun-${process.platform}-${process.arch} (source)`;
