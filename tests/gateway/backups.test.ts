// Scheduled and on-demand backups with the console's list and downloads.
import { describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runCli, startServe } from "../helpers/cli";
import { waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const backupsIn = (data: string) => readdirSync(join(data, "backups")).filter((f) => f.endsWith(".db")).sort();

describe("backups", () => {
  test("taken on schedule, pruned to the count kept, taken on demand, listed and downloadable by admins only", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    await using gateway = await startServe(dir.path, ["--backup-interval-minutes", "0.02", "--backup-keep", "2", "--spare-instances", "0"]);
    await waitFor("two scheduled backups", () => {
      try {
        return backupsIn(dir.path).length === 2;
      } catch {
        return false;
      }
    });
    await Bun.sleep(3000);
    expect(backupsIn(dir.path)).toHaveLength(2);

    const boss = new Visitor("127.0.0.1", gateway.url);
    await boss.get("/");
    const now = await boss.post("/admin/backups", {}, { "hx-request": "true" });
    expect(now.body).toMatch(/Backup written: 5gfm-\d{8}-\d{6}(-\d+)?\.db\./);
    const page = await boss.get("/admin/backups");
    const name = /href="\/admin\/backups\/(5gfm-[^"]+\.db)"/.exec(page.body)?.[1];
    expect(name).toBeDefined();
    const download = await fetch(`${gateway.url}/admin/backups/${name}`, { headers: { cookie: boss.cookieHeader() } });
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 15))).toBe("SQLite format 3");

    for (const path of ["/admin/backups/..%2F5gfm.db", "/admin/backups/5gfm.db", "/admin/backups/..%2F..%2Fetc%2Fpasswd"]) {
      expect((await boss.get(path)).status).toBe(404);
    }
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    expect((await alice.get(`/admin/backups/${name}`)).status).toBe(403);
  });

  test("a restore chosen in the console happens at the next start, keeping the replaced database aside", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    let name: string | undefined;
    {
      await using gateway = await startServe(dir.path, ["--backup-interval-minutes", "0", "--spare-instances", "0"]);
      const boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
      await boss.get("/");
      name = /Backup written: (5gfm-[^.]+\.db)/.exec((await boss.post("/admin/backups", {})).body)?.[1];
      await runCli(["user", "add", "latecomer", "--role", "user", "--ip", "127.0.0.7", "--data", dir.path]);
      const scheduled = await boss.post(`/admin/backups/${name}/restore`, {});
      expect(scheduled.body).toContain(`${name} will be restored the next time the server starts`);
    }
    await using again = await startServe(dir.path, ["--backup-interval-minutes", "0", "--spare-instances", "0"]);
    const names = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout).map((u: { name: string }) => u.name);
    expect(names).toEqual(["boss"]);
    expect(readdirSync(dir.path).some((f) => f.startsWith("5gfm.db.before-restore-"))).toBe(true);
    expect(again.output()).toContain("restored a backup chosen in the console");
    const boss = new Visitor("127.0.0.1", again.url);
    await boss.get("/");
    expect((await boss.get("/admin/backups")).body).not.toContain('id="restore-pending"');
  });

  test("a backup taken while people write holds every write acknowledged before it began", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    const users = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"];
    for (const [i, ip] of users.entries()) await runCli(["user", "add", `u${i}`, "--role", "user", "--ip", ip, "--data", dir.path]);
    await using gateway = await startServe(dir.path, ["--backup-interval-minutes", "0", "--spare-instances", "0"]);
    // Each visit without a cookie starts a session: a real write through the gateway.
    let acknowledged = 0;
    let writing = true;
    const writers = users.map(async (ip) => {
      while (writing) {
        const response = await new Visitor(ip, gateway.url).get("/");
        if (response.status === 303) acknowledged++;
      }
    });
    await Bun.sleep(500);
    const before = acknowledged;
    const boss = new Visitor("127.0.0.1", gateway.url);
    await boss.get("/");
    const made = await boss.post("/admin/backups", {}, { "hx-request": "true" });
    writing = false;
    await Promise.all(writers);
    const name = /Backup written: (5gfm-[^.]+\.db)/.exec(made.body)?.[1];
    const copy = createClient({ url: `file:${join(dir.path, "backups", name!)}` });
    try {
      expect((await copy.execute("PRAGMA integrity_check")).rows[0]?.[0]).toBe("ok");
      const sessions = Number((await copy.execute("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name LIKE 'u%'")).rows[0]?.[0]);
      expect(sessions).toBeGreaterThanOrEqual(before);
    } finally {
      copy.close();
    }
  });
});
