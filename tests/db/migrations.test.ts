import { describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { join } from "node:path";
import { bundledMigrations, type Migration } from "../../src/db/migrations";
import { applyMigrations, migrationState, openDatabase } from "../../src/db/open";
import { tempDir } from "../helpers/temp-dir";

const extra = (when: number, statements: string[]): Migration => ({ tag: `test_${when}`, when, hash: `h${when}`, statements });

describe("migrations", () => {
  test("a new database gets every migration, with WAL, synchronous FULL and foreign keys on", async () => {
    using dir = tempDir();
    const opened = await openDatabase({ dataDir: dir.path });
    try {
      const mode = await opened.client.execute("PRAGMA journal_mode");
      expect(mode.rows[0]?.[0]).toBe("wal");
      // 2 = FULL: every acknowledged commit is fsynced, so a power cut loses none of them.
      expect(Number((await opened.client.execute("PRAGMA synchronous")).rows[0]?.[0])).toBe(2);
      const fk = await opened.client.execute("PRAGMA foreign_keys");
      expect(Number(fk.rows[0]?.[0])).toBe(1);
      const state = await migrationState(opened.client, bundledMigrations());
      expect(state.pending).toHaveLength(0);
      expect(state.applied).toBe(bundledMigrations().length);
    } finally {
      opened.close();
    }
  });

  test("an old database is upgraded in place, keeping its rows", async () => {
    using dir = tempDir();
    const url = `file:${join(dir.path, "old.db")}`;
    const client = createClient({ url });
    const base = bundledMigrations();
    await applyMigrations(client, base);
    await client.execute("INSERT INTO users (name, role) VALUES ('alice', 'user')");
    const later = extra(Date.now() + 1000, ["ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT 'ran'"]);
    expect(await applyMigrations(client, [...base, later])).toBe(1);
    const rows = await client.execute("SELECT name, team FROM users");
    expect(rows.rows.map((r) => [r.name, r.team])).toEqual([["alice", "ran"]]);
    expect(await applyMigrations(client, [...base, later])).toBe(0);
    client.close();
  });

  test("a failing migration leaves the database as it was", async () => {
    using dir = tempDir();
    const client = createClient({ url: `file:${join(dir.path, "x.db")}` });
    const base = bundledMigrations();
    await applyMigrations(client, base);
    const broken = extra(Date.now() + 1000, ["CREATE TABLE extra_table (id INTEGER)", "THIS IS NOT SQL"]);
    await expect(applyMigrations(client, [...base, broken])).rejects.toThrow();
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE name = 'extra_table'");
    expect(tables.rows).toHaveLength(0);
    expect((await migrationState(client, base)).pending).toHaveLength(0);
    client.close();
  });

  test("a database from a newer version is refused, not rebuilt", async () => {
    using dir = tempDir();
    const client = createClient({ url: `file:${join(dir.path, "5gfm.db")}` });
    await applyMigrations(client, [...bundledMigrations(), extra(Date.now() + 5000, ["CREATE TABLE future (id INTEGER)"])]);
    client.close();
    await expect(openDatabase({ dataDir: dir.path })).rejects.toThrow("upgraded by a newer version of 5gfm");
  });
  test("0009: a plain user's password that was set but not asked for is asked for from now on", async () => {
    using dir = tempDir();
    const client = createClient({ url: `file:${join(dir.path, "old.db")}` });
    const all = bundledMigrations();
    const at = all.findIndex((m) => m.tag === "0009_admin_view");
    await applyMigrations(client, all.slice(0, at));
    await client.execute(
      "INSERT INTO users (name, role, password_hash, require_password) VALUES ('pat', 'user', 'h', 0), ('nopw', 'user', NULL, 0), ('boss', 'admin', 'h', 0)",
    );
    await applyMigrations(client, all);
    const rows = await client.execute("SELECT name, require_password FROM users ORDER BY name");
    // An admin's "off" was a choice made explicitly; a user's was only the old default.
    expect(rows.rows.map((r) => [r.name, Number(r.require_password)])).toEqual([["boss", 0], ["nopw", 0], ["pat", 1]]);
    client.close();
  });

  test("0014: load samples and hourly rollups from before are kept, as the one gateway's ('')", async () => {
    using dir = tempDir();
    const client = createClient({ url: `file:${join(dir.path, "old.db")}` });
    const all = bundledMigrations();
    await applyMigrations(client, all.slice(0, all.findIndex((m) => m.tag === "0014_samples_per_gateway")));
    await client.execute(
      "INSERT INTO metric_samples VALUES (1000, 12.5, 100, 200, 50, 1.5, 3, 0.4, NULL, 2.5, 4, 2, 300)",
    );
    await client.execute("INSERT INTO metric_hours VALUES (3600000, 10, 20, 100, 150, 2.5, 4, 2)");
    await applyMigrations(client, all);
    const samples = await client.execute("SELECT node_id, at, cpu_percent, proxy_p95_ms, proxy_p99_ms, instances_rss_bytes FROM metric_samples");
    expect(samples.rows.map((r) => [r.node_id, r.at, r.cpu_percent, r.proxy_p95_ms, r.proxy_p99_ms, r.instances_rss_bytes])).toEqual([["", 1000, 12.5, null, 2.5, 300]]);
    const hours = await client.execute("SELECT node_id, hour, cpu_percent_max, instances_running_max FROM metric_hours");
    expect(hours.rows.map((r) => [r.node_id, r.hour, r.cpu_percent_max, r.instances_running_max])).toEqual([["", 3600000, 20, 2]]);
    // Two gateways' samples of the same millisecond are both kept.
    await client.execute("INSERT INTO metric_samples (node_id, at, cpu_percent, memory_used_bytes, memory_total_bytes, gateway_rss_bytes, event_loop_lag_ms, requests_per_second, open_websockets, instances_running, instances_rss_bytes) VALUES ('b', 1000, 1, 1, 1, 1, 1, 1, 0, 0, 0)");
    expect((await client.execute("SELECT count(*) AS n FROM metric_samples WHERE at = 1000")).rows[0]!.n).toBe(2);
    client.close();
  });

  test("0016: the rollup's one row per sample is folded into one row per hour, each gateway's apart", async () => {
    using dir = tempDir();
    const client = createClient({ url: `file:${join(dir.path, "old.db")}` });
    const all = bundledMigrations();
    await applyMigrations(client, all.slice(0, all.findIndex((m) => m.tag === "0016_fold_hourly_rollups")));
    const hour = 3_600_000;
    // What the old rollup wrote: each sample as an "hour" stamped with its own millisecond.
    await client.execute(`INSERT INTO metric_hours VALUES
      ('a', ${10 * hour + 5_000}, 10, 10, 100, 100, 1, 2, 1),
      ('a', ${10 * hour + 10_000}, 30, 30, 300, 300, 3, 5, 2),
      ('a', ${11 * hour}, 50, 50, 500, 500, 0, 0, 0),
      ('b', ${10 * hour + 7_000}, 90, 90, 900, 900, 9, 9, 9)`);
    await applyMigrations(client, all);
    const rows = await client.execute("SELECT * FROM metric_hours ORDER BY node_id, hour");
    const columns = ["node_id", "hour", "cpu_percent_avg", "cpu_percent_max", "memory_used_bytes_avg", "memory_used_bytes_max", "requests_per_second_avg", "open_websockets_max", "instances_running_max"];
    expect(rows.rows.map((r) => columns.map((c) => r[c]))).toEqual([
      ["a", 10 * hour, 20, 30, 200, 300, 2, 5, 2],
      ["a", 11 * hour, 50, 50, 500, 500, 0, 0, 0],
      ["b", 10 * hour, 90, 90, 900, 900, 9, 9, 9],
    ]);
    client.close();
  });
});
