// A restore chosen in the console that fails at the next start is not silent: the Backups page and
// the dashboard show it, with its reason, until an administrator dismisses it (audited) (issue 15).
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, startServe } from "../helpers/cli";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

test("a failed restore at start is shown on the Backups page and the dashboard until dismissed", async () => {
  using dir = tempDir();
  await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
  await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
  const quiet = ["--backup-interval-minutes", "0", "--spare-instances", "0"];
  let name: string | undefined;
  {
    await using gateway = await startServe(dir.path, quiet);
    const boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
    await boss.get("/");
    name = /Backup written: (5gfm-[^.]+\.db)/.exec((await boss.post("/admin/backups", {})).body)?.[1];
    expect((await boss.post(`/admin/backups/${name}/restore`, {})).body).toContain("will be restored the next time the server starts");
  }
  // The chosen backup is damaged before the restart.
  writeFileSync(join(dir.path, "backups", name!), "this is not a database");
  await using again = await startServe(dir.path, quiet);
  expect(again.output()).toContain("the restore chosen in the console failed; the database is unchanged");

  const boss = new Visitor("127.0.0.1", again.url);
  await boss.get("/");
  const backups = (await boss.get("/admin/backups")).body;
  expect(backups).toContain('id="restore-failed"');
  expect(backups).toContain(`The restore of ${name} chosen by boss failed when the server started`);
  expect(backups).toContain("is not a 5gfm database");
  expect(backups).not.toContain('id="restore-pending"');
  const dashboard = (await boss.get("/admin")).body;
  expect(dashboard).toContain('id="restore-failed"');
  expect(dashboard).toContain('href="/admin/backups"');

  // Still there after another restart, until dismissed.
  await again.stop();
  await using third = await startServe(dir.path, quiet);
  const admin = new Visitor("127.0.0.1", third.url, { "hx-request": "true" });
  await admin.get("/");
  expect((await admin.get("/admin/backups")).body).toContain('id="restore-failed"');
  // Only an administrator may dismiss it.
  const alice = new Visitor("127.0.0.2", third.url, { "hx-request": "true" });
  await alice.get("/");
  expect((await alice.post("/admin/backups-restore/dismiss", {})).status).toBe(403);
  expect((await admin.get("/admin/backups")).body).toContain('id="restore-failed"');
  const dismissed = await admin.post("/admin/backups-restore/dismiss", {});
  expect(dismissed.status).toBe(200);
  expect(dismissed.body).not.toContain('id="restore-failed"');
  expect((await admin.get("/admin")).body).not.toContain('id="restore-failed"');
  expect((await admin.get("/admin/audit")).body).toContain("failed restore notice dismissed");
});
