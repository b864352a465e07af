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
});
