// "Feature apps running" means users' apps, on the dashboard's card and in the load samples (and so
// the load history) alike: a spare app started ahead for the next visitor is not one of them.
import { expect, test } from "bun:test";
import { runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

test("with a spare app waiting, one user's app counts as one running app in the samples and on the dashboard", async () => {
  using dir = tempDir();
  for (const [name, role, ip] of [["owner", "admin", "127.0.0.1"], ["alice", "user", "127.0.0.2"]] as const) {
    expect((await runCli(["user", "add", name, "--role", role, "--ip", ip, "--data", dir.path])).code).toBe(0);
  }
  await using gateway = await startServe(dir.path, ["--spare-instances", "1", "--sample-seconds", "1"]);
  expect((await new Visitor("127.0.0.2", gateway.url).get("/app/_health")).status).toBe(200);
  // alice's app, and a spare started again for the next visitor.
  await waitFor("alice's app and a new spare to run", async () => {
    const running = await query(dir.path, "SELECT key FROM instance_records WHERE state = 'running' ORDER BY key");
    return running.length === 2 && running.some((r) => String(r.key).startsWith("spare:"));
  });
  const since = Date.now();
  const [sample] = await waitFor("a sample taken since", async () => {
    const rows = await query(dir.path, "SELECT instances_running FROM metric_samples WHERE at > ? ORDER BY at DESC LIMIT 1", [since]);
    return rows.length > 0 && rows;
  });
  expect(sample).toEqual({ instances_running: 1 });
  const dashboard = (await new Visitor("127.0.0.1", gateway.url).get("/admin")).body;
  expect(dashboard).toMatch(/Feature apps running<\/[a-z]+>\s*<[a-z]+[^>]*>1</);
});
