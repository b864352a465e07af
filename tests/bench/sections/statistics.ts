// Admin statistics at 1,000,000 recorded visits: seeds a real SQLite file, then times each query
// the statistics page runs, against a baseline measured in the same run (a plain full count of
// the same table), so the figures compare across noisy shared machines.
import { openDatabase } from "../../../src/db/open";
import { Statistics } from "../../../src/monitoring/statistics";
import { tempDir } from "../../helpers/temp-dir";
import { type BenchOptions, type Cell, type Section, medianMs } from "../lib/section";

const USERS = 200;
const DAYS = 365;
const RUNS = 5;

export const statisticsSection: Section = {
  name: "statistics",
  async run(options: BenchOptions) {
    const visits = Number(process.env.BENCH_VISITS ?? (options.quick ? 100_000 : 1_000_000));
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
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${visits})
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
    const baselineMs = await medianMs(RUNS, () => client.execute("SELECT count(*), sum(dwell_ms) FROM sessions"));
    const rows: Cell[][] = [];
    try {
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
          const ms = await medianMs(RUNS, run);
          rows.push([label, query, Math.round(ms), `${(ms / baselineMs).toFixed(2)}×`]);
        }
      }
    } finally {
      opened.close();
    }
    return {
      title: `Admin statistics at ${visits.toLocaleString("en")} visits`,
      notes: [
        `Median of ${RUNS} runs per query on a seeded SQLite file (${USERS} users, ${DAYS} days; seeding took ${Math.round(seedMs / 1000)} s).`,
        `Baseline: a full count of the sessions table, ${Math.round(baselineMs)} ms in this run. Target: the whole page under 300 ms.`,
      ],
      columns: ["range", "query", "median ms", "× baseline"],
      rows,
    };
  },
};
