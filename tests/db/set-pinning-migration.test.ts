// Migration 0012 pins each existing feature set to the catalog version that was current when its
// latest revision was saved (the version that save was checked against), so sets broken by a
// later import work again; a set saved before any version existed gets the oldest one.
// Migration 0013 gives each existing revision the version its set was on when it was saved.
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
  const upTo0012 = all.filter((m) => m.tag <= "0012_set_pinning");
  expect(upTo0012.length).toBe(before.length + 1);
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
  expect(await applyMigrations(client, upTo0012)).toBe(1);
  const rows = await client.execute("SELECT id, catalog_version_id FROM feature_sets ORDER BY id");
  expect(rows.rows.map((r) => [Number(r.id), Number(r.catalog_version_id)])).toEqual([
    [10, 1],
    [11, 1],
    [12, 2],
    [13, 2],
  ]);
  client.close();
});

test("existing revisions get the catalog version their set was on when each was saved (migration 0013)", async () => {
  using dir = tempDir();
  const client = createClient({ url: `file:${join(dir.path, "old.db")}` });
  const all = bundledMigrations();
  const upTo0012 = all.filter((m) => m.tag <= "0012_set_pinning");
  await applyMigrations(client, upTo0012);
  for (const id of [1, 2, 3]) {
    await client.execute({ sql: "INSERT INTO catalog_versions (id, name, source, format, imported_by, imported_at, feature_count, content_hash) VALUES (?, 'v', 'demo', 'demo', 'x', 0, 0, 'h')", args: [id] });
  }
  const set = (id: number, pinned: number, notes: string[]) =>
    client.batch([
      { sql: "INSERT INTO feature_sets (id, owner, name, revision, content, updated_by, catalog_version_id) VALUES (?, 'alice', 's', ?, '{}', 'alice', ?)", args: [id, notes.length, pinned] },
      ...notes.map((note, i) => ({ sql: "INSERT INTO feature_set_revisions (set_id, revision, name, content, saved_by, note) VALUES (?, ?, 's', '{}', 'alice', ?)", args: [id, i + 1, note] })),
    ]);
  const upgraded = (from: number, to: number) => JSON.stringify({ key: "sets.note.upgraded", params: { from, to } });
  // Upgraded twice (1 → 2 → 3), with a note from before notes were keys and one the user wrote.
  await set(20, 3, ["created", JSON.stringify({ key: "sets.note.added", params: { id: "FGR-CA0001" } }), upgraded(1, 2), JSON.stringify({ text: "tuned" }), upgraded(2, 3), "{not json"]);
  await set(21, 2, ["created", "renamed"]);
  expect(await applyMigrations(client, all)).toBe(all.length - upTo0012.length);
  const rows = await client.execute("SELECT set_id, revision, catalog_version_id FROM feature_set_revisions ORDER BY set_id, revision");
  expect(rows.rows.map((r) => [Number(r.set_id), Number(r.revision), Number(r.catalog_version_id)])).toEqual([
    [20, 1, 1],
    [20, 2, 1],
    [20, 3, 2],
    [20, 4, 2],
    [20, 5, 3],
    [20, 6, 3],
    [21, 1, 2],
    [21, 2, 2],
  ]);
  client.close();
});
