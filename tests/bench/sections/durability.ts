// What synchronous=FULL costs a person saving: the same feature-set saves through two real
// feature-app processes, one as shipped (FULL: each commit fsynced before it is acknowledged)
// and one with the database at NORMAL (the old setting, which can lose the last saves on a power
// cut), interleaved save by save so both see the same machine at the same moment.
import { tempDir } from "../../helpers/temp-dir";
import { type BenchOptions, type Section, percentile, round } from "../lib/section";
import { json, startInstance } from "./feature-app";

export const durabilitySection: Section = {
  name: "durability",
  async run(options: BenchOptions) {
    const saves = options.quick ? 100 : 500;
    using fullDir = tempDir("5gfm-bench-full-");
    using normalDir = tempDir("5gfm-bench-normal-");
    const apps = {
      full: await startInstance(options.command, fullDir.path),
      normal: await startInstance(options.command, normalDir.path, { FGM_BENCH_SYNCHRONOUS: "NORMAL" }),
    };
    const times = { full: [] as number[], normal: [] as number[] };
    try {
      const sets = {} as Record<keyof typeof apps, { id: number; revision: number }>;
      for (const mode of ["full", "normal"] as const) {
        const content = { features: ["FGR-CA0001"], values: {}, sites: [{ name: "Site A", overrides: {} }] };
        sets[mode] = JSON.parse(new TextDecoder().decode(await apps[mode].call("/app/api/feature-sets", { method: "POST", ...json({ name: "bench", content }) }, 201)));
      }
      for (let i = 0; i < saves; i++) {
        for (const mode of i % 2 ? (["normal", "full"] as const) : (["full", "normal"] as const)) {
          const set = sets[mode];
          const started = performance.now();
          await apps[mode].call(`/app/api/feature-sets/${set.id}`, { method: "PUT", ...json({ revision: set.revision, name: `bench ${i}` }) });
          times[mode].push(performance.now() - started);
          set.revision++;
        }
      }
    } finally {
      await Promise.all([apps.full.stop(), apps.normal.stop()]);
    }
    const stat = (mode: keyof typeof times, p: number) => round(percentile([...times[mode]].sort((a, b) => a - b), p), 2);
    const row = (p: number) => [`save a feature set, p${p}`, stat("full", p), stat("normal", p), `${(stat("full", p) / stat("normal", p)).toFixed(2)}×`];
    return {
      title: "What a durable save costs (synchronous=FULL)",
      notes: [
        `${saves} saves (PUT of one revision each) per mode, one at a time, interleaved between the two processes, through each real feature-app process's HTTP API, database in a temporary folder on this machine's disk.`,
        "FULL is what ships: the write-ahead log is fsynced at every commit, so an acknowledged save survives a power cut. NORMAL (the baseline) defers that to checkpoints.",
      ],
      columns: ["measure", "FULL ms", "NORMAL ms (baseline)", "FULL / NORMAL"],
      rows: [row(50), row(99)],
    };
  },
};
