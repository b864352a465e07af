// Samples and hourly rollups written before gateways had node ids are kept as '' by migration 0014.
// The gateway that starts next takes them as its own, so its dashboard and load history go on
// showing the history it gathered before the upgrade instead of starting empty.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const HOUR = 3_600_000;

test("the first gateway to start after the upgrade charts the samples and hours from before node ids", async () => {
  using dir = tempDir();
  const added = await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
  expect(added.code).toBe(0);
  const hour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const sampleAt = Date.now() - 60_000;
  await query(
    dir.path,
    `INSERT INTO metric_hours (node_id, hour, cpu_percent_avg, cpu_percent_max, memory_used_bytes_avg, memory_used_bytes_max,
       requests_per_second_avg, open_websockets_max, instances_running_max) VALUES ('', ?, 42.5, 80, 1, 2, 3, 4, 5)`,
    [hour],
  );
  await query(
    dir.path,
    `INSERT INTO metric_samples (node_id, at, cpu_percent, memory_used_bytes, memory_total_bytes, gateway_rss_bytes, event_loop_lag_ms,
       requests_per_second, open_websockets, instances_running, instances_rss_bytes) VALUES ('', ?, 12.5, 1, 2, 0, 0, 0, 0, 0, 0)`,
    [sampleAt],
  );
  // Sampling every 300 s: nothing of the gateway's own is written during the test.
  await using gateway = await startServe(dir.path, ["--spare-instances", "0", "--sample-seconds", "300"]);
  const nodeId = readFileSync(join(dir.path, "node-id"), "utf8").trim();
  await waitFor("the old rows to be taken over", async () => (await query(dir.path, "SELECT node_id FROM metric_hours")).every((r) => r.node_id === nodeId));
  expect(await query(dir.path, "SELECT node_id, at FROM metric_samples")).toEqual([{ node_id: nodeId, at: sampleAt }]);

  const owner = new Visitor("127.0.0.1", gateway.url);
  const accept = { accept: "application/json" };
  const live = JSON.parse((await owner.get("/admin/metrics.json", accept)).body);
  expect(live.time).toEqual([sampleAt / 1000]);
  const history = JSON.parse((await owner.get("/admin/load-history.json?span=24h", accept)).body);
  expect(history.time.includes(hour / 1000)).toBe(true);
});
