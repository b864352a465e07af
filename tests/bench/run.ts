// `npm run bench`: the whole performance suite; every figure is measured in this run, against
// baselines measured in the same run. Not part of `npm test`.
// Flags: --quick (short runs, small data), --only http,websocket,…,feature-app (sections by name),
//        --source (run `bun src/main.ts` instead of building and running dist/5gfm-linux-x64),
//        --main PATH (run `bun PATH`: another checkout's src/main.ts, for before/after figures),
//        --before PATH (also measure `bun PATH` in the same run, as the path "5gfm-before"),
//        --seconds N (per load-generator run; default 10, quick 3).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO } from "../helpers/cli";
import { runInfo, writeResults } from "./lib/report";
import type { BenchOptions, Section, SectionResult } from "./lib/section";
import { coldStartSection } from "./sections/cold-start";
import { durabilitySection } from "./sections/durability";
import { featureAppSection } from "./sections/feature-app";
import { httpSection } from "./sections/http";
import { importMappingSection } from "./sections/import-mapping";
import { scaleSection } from "./sections/scale";
import { statisticsSection } from "./sections/statistics";
import { websocketSection } from "./sections/websocket";
import { attacksSection } from "./sections/attacks";

const SECTIONS: Section[] = [httpSection, websocketSection, attacksSection, coldStartSection, scaleSection, statisticsSection, featureAppSection, importMappingSection, durabilitySection];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    source: { type: "boolean", default: false },
    main: { type: "string" },
    before: { type: "string" },
    seconds: { type: "string" },
  },
});

function command(): string[] {
  if (values.main) return [process.execPath, values.main];
  if (values.source) return [process.execPath, join(REPO, "src", "main.ts")];
  // Always rebuilt, so the figures are never those of an older executable.
  const built = Bun.spawnSync([process.execPath, join(REPO, "build", "build.ts"), "--target", "linux-x64"], { stdout: "pipe", stderr: "pipe" });
  const binary = join(REPO, "dist", "5gfm-linux-x64");
  if (built.exitCode !== 0 || !existsSync(binary)) throw new Error(`the build failed:\n${built.stderr.toString()}`);
  return [binary];
}

const wanted = values.only?.split(",").map((name) => name.trim());
const unknown = wanted?.filter((name) => !SECTIONS.some((section) => section.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(", ")}; sections: ${SECTIONS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const options: BenchOptions = {
  quick: values.quick,
  seconds: Number(values.seconds ?? (values.quick ? 3 : 10)),
  command: command(),
  before: values.before ? [process.execPath, values.before] : undefined,
};
const info = runInfo(options.command, options.quick);
const results: SectionResult[] = [];
for (const section of SECTIONS.filter((s) => !wanted || wanted.includes(s.name))) {
  const started = performance.now();
  console.log(`== ${section.name} …`);
  results.push(await section.run(options));
  console.log(`== ${section.name} done in ${Math.round((performance.now() - started) / 1000)} s`);
  // Written after every section, so a long run that fails late keeps what it had.
  writeResults(info, results);
}
console.log(await Bun.file(writeResults(info, results)).text());
