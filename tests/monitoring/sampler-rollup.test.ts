// The sampler's hourly rollup on a real SQLite file, its ticks given their times: a completed hour's
// samples become one metric_hours row stamped with the hour's start, and the load history reads
// that row and, after it, the hour still being sampled.
import { expect, test } from "bun:test";
import { openDatabase } from "../../src/db/open";
import type { InstancePool } from "../../src/instances/instance-pool";
import { HOUR_MS } from "../../src/monitoring/load-history";
import { MetricsSampler } from "../../src/monitoring/sampler";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";

test("a completed hour's samples are rolled up into one row for that hour, read back with the current hour after it", async () => {
  using dir = tempDir();
  const opened = await openDatabase({ dataDir: dir.path });
  const noInstances = { list: () => [] } as unknown as InstancePool;
  const sampler = new MetricsSampler({
    db: opened.db,
    pool: noInstances,
    dataDir: dir.path,
    nodeId: "this-node",
    intervalMs: 60_000,
    alerts: { cpuPercent: 101, memoryPercent: 101, diskPercent: 101, forMs: 60_000 },
  });
  try {
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
    const first = await sampler.tick(new Date(hour + 5_000));
    const second = await sampler.tick(new Date(hour + 65_000));
    // The first tick of the next hour folds the hour before it.
    const next = await sampler.tick(new Date(hour + HOUR_MS + 5_000));
    const rows = await query(dir.path, "SELECT node_id, hour, cpu_percent_max, memory_used_bytes_max FROM metric_hours");
    expect(rows).toEqual([
      {
        node_id: "this-node",
        hour,
        cpu_percent_max: Math.max(first.cpuPercent, second.cpuPercent),
        memory_used_bytes_max: Math.max(first.memoryUsedBytes, second.memoryUsedBytes),
      },
    ]);
    const history = await sampler.hours("24h", hour + HOUR_MS + 10_000);
    expect(history.map((h) => [h.hour.getTime(), h.cpuPercentMax])).toEqual([
      [hour, Math.max(first.cpuPercent, second.cpuPercent)],
      [hour + HOUR_MS, next.cpuPercent],
    ]);
  } finally {
    sampler.stop();
    opened.close();
  }
});
