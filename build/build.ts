// `npm run build`: the Windows and Linux executables, each carrying every view, static asset,
// migration, the demo catalog and the right libsql native addon.
// Usage: bun build/build.ts [--target windows-x64|linux-x64]...   (default: both)
import type { BunPlugin } from "bun";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readMigrationFolder } from "../src/db/migrations";

const ROOT = join(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
const CACHE = join(ROOT, "node_modules", ".cache", "5gfm-build");

const TARGETS = {
  "linux-x64": { bun: "bun-linux-x64", addon: "@libsql/linux-x64-gnu", outfile: "5gfm-linux-x64" },
  "windows-x64": { bun: "bun-windows-x64", addon: "@libsql/win32-x64-msvc", outfile: "5gfm-windows-x64.exe" },
} as const;
type TargetName = keyof typeof TARGETS;

const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const libsqlVersion = (JSON.parse(readFileSync(join(ROOT, "node_modules", "libsql", "package.json"), "utf8")) as { version: string })
  .version;

function run(command: string[], cwd = ROOT): string {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed:\n${result.stderr.toString()}`);
  return result.stdout.toString().trim();
}

/** The addon for a target: from node_modules when installed there, else fetched with `npm pack`. */
function addonFile(pkg: string): string {
  const installed = join(ROOT, "node_modules", pkg, "index.node");
  if (existsSync(installed)) return installed;
  const folder = join(CACHE, `${pkg.replace("/", "-")}-${libsqlVersion}`);
  const file = join(folder, "package", "index.node");
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const tarball = run(["npm", "pack", `${pkg}@${libsqlVersion}`, "--silent", "--pack-destination", folder]).split("\n").at(-1)!;
    run(["tar", "-xzf", join(folder, tarball), "-C", folder]);
  }
  return file;
}

function libsqlAddonPlugin(addon: string): BunPlugin {
  const loader = join(ROOT, "src", "db", "native-addon.ts");
  const bytes = readFileSync(addon);
  const hash = Bun.hash(bytes).toString(16);
  return {
    name: "libsql-embedded-addon",
    setup(build) {
      build.onResolve({ filter: /^fgm:libsql-addon$/ }, () => ({ path: "libsql-addon", namespace: "fgm" }));
      build.onLoad({ filter: /.*/, namespace: "fgm" }, () => ({
        loader: "js",
        contents: [
          `import embedded from ${JSON.stringify(addon)} with { type: "file" };`,
          `import { materializeAddon } from ${JSON.stringify(loader)};`,
          `export default materializeAddon(embedded, ${JSON.stringify(packageJson.version)}, ${JSON.stringify(hash)}, ${bytes.length});`,
        ].join("\n"),
      }));
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
        const source = await Bun.file(args.path).text();
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this is libsql's source text, matched literally.
        const dynamicRequire = "return require(`@libsql/${target}`);";
        if (!source.includes(dynamicRequire)) throw new Error(`libsql ${libsqlVersion}: its addon loader changed; update build/build.ts`);
        return { loader: "js", contents: source.replace(dynamicRequire, 'return require(require("fgm:libsql-addon").default);') };
      });
    },
  };
}

async function buildTarget(name: TargetName, commit: string): Promise<string> {
  const target = TARGETS[name];
  const outfile = join(DIST, target.outfile);
  rmSync(outfile, { force: true });
  const migrations = readMigrationFolder(join(ROOT, "src", "db", "migrations"));
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src", "main.ts")],
    compile: { target: target.bun, outfile, autoloadDotenv: false, autoloadBunfig: false },
    minify: true,
    sourcemap: "linked",
    plugins: [libsqlAddonPlugin(addonFile(target.addon))],
    define: {
      FGM_EMBEDDED_MIGRATIONS: JSON.stringify(migrations),
      FGM_BUILD: JSON.stringify({ commit, target: target.bun }),
    },
  });
  if (!result.success) throw new AggregateError(result.logs, `build for ${name} failed`);
  return outfile;
}

const { values } = parseArgs({ options: { target: { type: "string", multiple: true } }, strict: true });
const chosen = (values.target ?? Object.keys(TARGETS)) as TargetName[];
for (const name of chosen) if (!(name in TARGETS)) throw new Error(`unknown --target ${name} (expected ${Object.keys(TARGETS).join(", ")})`);
const commit = (() => {
  try {
    return run(["git", "rev-parse", "--short", "HEAD"]);
  } catch {
    return "unknown";
  }
})();
mkdirSync(DIST, { recursive: true });
for (const name of chosen) {
  const started = performance.now();
  const file = await buildTarget(name, commit);
  const mb = (statSync(file).size / 1024 / 1024).toFixed(1);
  console.log(`built ${file} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
for (const leftover of readdirSync(DIST).filter((f) => f.endsWith(".map"))) rmSync(join(DIST, leftover));
