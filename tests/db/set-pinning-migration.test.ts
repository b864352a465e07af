// Migration 0012 pins each existing feature set to the catalog version that was current when its
// latest revision was saved (the version that save was checked against), so sets broken by a
// later import work again; a set saved before any version existed gets the oldest one.
import { expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { join } from "node:path";
import { bundledMigrations } from "../../src/db/migrations";
import { applyMigrations } from "../../src/db/open";
import { tempDir } from "../helpers/temp-dir";

test("existing sets are pinned to the catalog version current at their last save", async () => {
  using dir = tempDir();
  const client = createClient({ url: `file:${join(dir.path, "old.db")}` });
  const all = bundledMigrations();
  const before = all.filter((m) => m.tag < "0012_set_pinning");
  expect(before.length).toBe(all.length - 1);
  await applyMigrations(client, before);
  const version = (id: number, at: number) =>
    client.execute({ sql: "INSERT INTO catalog_versions (id, name, source, format, imported_by, imported_at, feature_count, content_hash) VALUES (?, 'v', 'demo', 'demo', 'x', ?, 0, 'h')", args: [id, at] });
  const set = (id: number, at: number) =>
    client.execute({ sql: "INSERT INTO feature_sets (id, owner, name, revision, content, updated_at, updated_by) VALUES (?, 'alice', 's', 1, '{}', ?, 'alice')", args: [id, at] });
  await set(10, 500);
  await version(1, 1000);
  await set(11, 1500);
  await version(2, 2000);
  await set(12, 2000);
  await set(13, 2500);
  expect(await applyMigrations(client, all)).toBe(1);
  const rows = await client.execute("SELECT id, catalog_version_id FROM feature_sets ORDER BY id");
  expect(rows.rows.map((r) => [Number(r.id), Number(r.catalog_version_id)])).toEqual([
    [10, 1],
    [11, 1],
    [12, 2],
    [13, 2],
  ]);
  client.close();
});
