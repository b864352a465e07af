// Admin statistics at 1,000,000 recorded visits: seeds a real SQLite file, then times each query
// the statistics page runs, against a baseline measured in the same run (a plain full count of
// the same table), so the figures compare across noisy shared machines.
// Run: npm run bench   (writes tests/bench/results/statistics.json and .md)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/db/open";
import { Statistics } from "../../src/monitoring/statistics";
import { tempDir } from "../helpers/temp-dir";

const VISITS = Number(process.env.BENCH_VISITS ?? 1_000_000);
const USERS = 200;
const DAYS = 365;
const RUNS = 5;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

using dir = tempDir("5gfm-bench-");
const opened = await openDatabase({ dataDir: dir.path });
const { client } = opened;
const seedStarted = performance.now();
await client.execute(
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
   INSERT INTO users (name, role) SELECT 'user' || i, 'user' FROM n`,
);
const now = Date.now();
await client.execute(
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${VISITS})
   INSERT INTO sessions (token_hash, user_id, address, method, created_at, last_seen_at, ended_at, dwell_ms)
   SELECT hex(randomblob(16)), 1 + abs(random()) % ${USERS}, '10.0.' || (i % 250) || '.' || (i % 200), 'address',
          ${now} - abs(random()) % ${DAYS * 86_400_000}, ${now}, ${now}, abs(random()) % 3600000
   FROM n`,
);
await client.execute(
  `INSERT INTO usage_days (day, user_id, visits, dwell_ms)
   SELECT date(created_at / 1000, 'unixepoch', 'localtime'), user_id, count(*), sum(dwell_ms) FROM sessions GROUP BY 1, 2`,
);
const seedMs = performance.now() - seedStarted;

const statistics = new Statistics(client);
const day = (offset: number) => new Date(now - offset * 86_400_000).toISOString().slice(0, 10);
const ranges = { "last 30 days": { from: day(29), to: day(0) }, "whole year": { from: day(DAYS), to: day(0) } };
const baselineMs = await timed(() => client.execute("SELECT count(*), sum(dwell_ms) FROM sessions"));
const rows: { range: string; query: string; ms: number; ratio: number }[] = [];
for (const [label, range] of Object.entries(ranges)) {
  const queries: Record<string, () => Promise<unknown>> = {
    "visits per user per day": () => statistics.visitsPerUserPerDay(range),
    "visits per user per week": () => statistics.visitsPerUserPerWeek(range),
    "unique users per day": () => statistics.uniqueUsersPerDay(range),
    "dwell per user": () => statistics.dwellPerUser(range),
    "dwell per session (page: 200)": () => statistics.dwellPerSession(range, 200),
    "whole page (all five, in parallel)": () =>
      Promise.all([
        statistics.visitsPerUserPerDay(range),
        statistics.visitsPerUserPerWeek(range),
        statistics.uniqueUsersPerDay(range),
        statistics.dwellPerUser(range),
        statistics.dwellPerSession(range, 200),
      ]),
  };
  for (const [query, run] of Object.entries(queries)) {
    const ms = await timed(run);
    rows.push({ range: label, query, ms: Math.round(ms), ratio: Math.round((ms / baselineMs) * 100) / 100 });
  }
}
opened.close();

const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
const result = { machine: `${process.platform}-${process.arch}`, date: new Date().toISOString(), commit, visits: VISITS, seedMs: Math.round(seedMs), baselineMs: Math.round(baselineMs), rows };
const out = join(import.meta.dir, "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "statistics.json"), `${JSON.stringify(result, null, 2)}\n`);
const table = [
  `Statistics at ${VISITS.toLocaleString("en")} visits (${result.date}, ${commit}); baseline: full count of the sessions table = ${result.baselineMs} ms`,
  "",
  "| range | query | median ms | × baseline |",
  "|---|---|---:|---:|",
  ...rows.map((r) => `| ${r.range} | ${r.query} | ${r.ms} | ${r.ratio} |`),
].join("\n");
writeFileSync(join(out, "statistics.md"), `${table}\n`);
console.log(table);
