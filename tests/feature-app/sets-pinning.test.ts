// A feature set is pinned to the catalog version it was built on: a new version that drops one of
// its features and narrows one of its parameters breaks neither the set nor its export. Its owner
// sees what upgrading would change, then applies it as one revision; a stale upgrade, an upgrade
// the catalog has outrun and another user's upgrade are refused and change nothing.
import { afterAll, describe, expect, test } from "bun:test";
import { runCli } from "../helpers/cli";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { api, createSet, getPage, postForm } from "./sets-client";

/** A new catalog version as an import writes it: every feature of version 1 but `dropped`, with SQL `parameters` for all. */
async function addVersion(dir: string, dropped: string, parameters = "parameters"): Promise<number> {
  await query(dir, "INSERT INTO catalog_versions (name, source, format, imported_by, feature_count, content_hash) VALUES ('next', 'test', 'json', 'test', 0, 'test')");
  const id = Number((await query(dir, "SELECT max(id) AS id FROM catalog_versions"))[0]!.id);
  await query(
    dir,
    `INSERT INTO catalog_features
       SELECT ?, feature_id, name, category, release, package, status, description, requires, conflicts, ${parameters}, search_text
       FROM catalog_features WHERE version_id = 1 AND feature_id <> ?`,
    [id, dropped],
  );
  return id;
}

const CONTENT = {
  features: ["FGR-ES0001", "FGR-MM0001", "FGR-NU0001"],
  values: { "FGR-MM0001": { ssbBeamCount: 6 }, "FGR-ES0001": { paSleepMode: "slotLevel" } },
  sites: [{ name: "Gangnam", overrides: { "FGR-NU0001": { nruBand: "n96" } } }],
};
// Version 2 drops FGR-NU0001 and lowers ssbBeamCount's maximum (parameter 1 of FGR-MM0001) to 4.
const NARROWED = "CASE feature_id WHEN 'FGR-MM0001' THEN json_set(parameters, '$[1].max', 4) ELSE parameters END";

describe("feature sets pinned to their catalog version", () => {
  using dir = tempDir("5gfm-pinning-");
  let alice: RunningApp;
  let bob: RunningApp;
  let id: number;
  let v2: number;
  afterAll(async () => {
    await alice?.[Symbol.asyncDispose]();
    await bob?.[Symbol.asyncDispose]();
  });

  test("a set built on version 1 keeps resolving and exporting on version 1 after version 2 drops one of its features", async () => {
    alice = await startFeatureApp({ user: "alice", env: { FGM_DATA: dir.path } });
    bob = await startFeatureApp({ user: "bob", env: { FGM_DATA: dir.path } });
    ({ id } = await createSet(alice, "Seoul", CONTENT));
    v2 = await addVersion(dir.path, "FGR-NU0001", NARROWED);

    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set).toMatchObject({ catalogVersionId: 1, catalogVersion: 1, currentCatalogVersion: v2, exportBlockers: [] });
    expect(set.resolved.features.find((f: { id: string }) => f.id === "FGR-NU0001")).toMatchObject({ chosen: true, inCatalog: true });
    // Everyone's view of it, not only the owner's: bob sees it working too.
    expect((await api(bob, "GET", `/app/api/feature-sets/${id}`)).json.exportBlockers).toEqual([]);
    expect((await api(bob, "GET", `/app/api/feature-sets/${id}/export?sites=all`)).status).toBe(200);
    // The owner keeps an export: it is made from version 1.
    expect((await api(alice, "POST", `/app/api/feature-sets/${id}/export?sites=all`)).status).toBe(200);
    expect(await query(dir.path, "SELECT DISTINCT catalog_version_id AS v FROM generations WHERE set_id = ?", [id])).toEqual([{ v: 1 }]);

    // Edits are still checked against version 1: 6 beams fit there.
    const saved = await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "Seoul 2026" });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ revision: 2, catalogVersionId: 1 });

    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain(`Built on catalog version 1; version ${v2} is current.`);
    expect(page).toContain(`href="/app/sets/${id}/upgrade"`);
    expect(page).not.toContain("no longer in the catalog");
  });

  test("the upgrade preview names the dropped feature, the changed one and the value that no longer fits", async () => {
    const preview = await api(alice, "GET", `/app/api/feature-sets/${id}/upgrade`);
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({
      from: 1,
      to: v2,
      dropped: [{ id: "FGR-NU0001", name: "NR in Unlicensed Spectrum (NR-U, Anchored)" }],
      changed: [{ id: "FGR-MM0001", fields: ["parameters: ssbBeamCount"] }],
      misfits: [{ path: "values.FGR-MM0001.ssbBeamCount", value: 6, message: "Must be between 1 and 4." }],
      blockers: [],
    });
    // The dropped feature's site value leaves with it; the value that still fits stays.
    expect(preview.json.content).toEqual({ features: ["FGR-ES0001", "FGR-MM0001"], values: { "FGR-ES0001": { paSleepMode: "slotLevel" } }, sites: [{ name: "Gangnam", overrides: {} }] });

    const page = await getPage(alice, `/app/sets/${id}/upgrade`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("FGR-NU0001 (NR in Unlicensed Spectrum (NR-U, Anchored))");
    expect(page.body).toContain("values.FGR-MM0001.ssbBeamCount = 6");
    expect(page.body).toContain('name="catalogVersion"');
    const korean = (await getPage(alice, `/app/sets/${id}/upgrade?lang=ko`)).body;
    expect(korean).toContain(`Seoul 2026을 카탈로그 버전 ${v2}로 업그레이드`);
    expect(korean).toContain("더 이상 맞지 않는 값");
  });

  test("another user cannot upgrade, a stale or outrun upgrade is refused, and nothing changes", async () => {
    const before = await query(dir.path, "SELECT revision, catalog_version_id, content FROM feature_sets WHERE id = ?", [id]);
    const byBob = await api(bob, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: 2, catalogVersion: v2 });
    expect(byBob.status).toBe(403);
    expect(byBob.json.error).toContain("Only alice, who owns this feature set");
    const bobPage = await postForm(bob, `/app/sets/${id}/upgrade`, { revision: "2", catalogVersion: String(v2) });
    expect(bobPage.status).toBe(403);
    expect((await getPage(bob, `/app/sets/${id}/upgrade`)).body).not.toContain('name="catalogVersion"');

    const stale = await api(alice, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: 1, catalogVersion: v2 });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ revision: 2 });
    expect(stale.json.error).toContain("you started from revision 1");
    const outrun = await api(alice, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: 2, catalogVersion: 1 });
    expect(outrun.status).toBe(409);
    expect(outrun.json.error).toContain(`catalog version ${v2} has become current since you looked`);
    expect((await api(alice, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: "two" })).status).toBe(400);
    const badForm = await postForm(alice, `/app/sets/${id}/upgrade`, { revision: "two", catalogVersion: String(v2) });
    expect(badForm.status).toBe(422);
    expect(badForm.body).toContain("revision must be a number");
    const stalePage = await postForm(alice, `/app/sets/${id}/upgrade`, { revision: "1", catalogVersion: String(v2) });
    expect(stalePage.status).toBe(409);
    expect(stalePage.body).toContain("you started from revision 1");
    expect(await query(dir.path, "SELECT revision, catalog_version_id, content FROM feature_sets WHERE id = ?", [id])).toEqual(before);
    expect(await query(dir.path, "SELECT count(*) AS n FROM audit_log WHERE action = 'set.upgrade'")).toEqual([{ n: 0 }]);
  });

  test("a clone keeps its source's version, and the upgrade page's button applies it", async () => {
    const clone = await api(bob, "POST", `/app/api/feature-sets/${id}/clone`, { name: "Busan" });
    expect(clone.json).toMatchObject({ owner: "bob", catalogVersionId: 1 });
    const posted = await postForm(bob, `/app/sets/${clone.json.id}/upgrade`, { revision: "1", catalogVersion: String(v2) });
    expect(posted).toMatchObject({ status: 303, location: `/app/sets/${clone.json.id}?saved` });
    expect((await api(bob, "GET", `/app/api/feature-sets/${clone.json.id}`)).json).toMatchObject({
      revision: 2,
      catalogVersionId: v2,
      content: { features: ["FGR-ES0001", "FGR-MM0001"] },
    });
  });

  test("the owner's upgrade is one revision, audited, and the set then resolves on the new version", async () => {
    const preview = (await api(alice, "GET", `/app/api/feature-sets/${id}/upgrade`)).json;
    const applied = await api(alice, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: 2, catalogVersion: v2 });
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ revision: 3, catalogVersionId: v2, content: preview.content });
    const revisions = await query(dir.path, "SELECT revision, note FROM feature_set_revisions WHERE set_id = ? ORDER BY revision", [id]);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(JSON.parse(String(revisions[2]!.note))).toEqual({ key: "sets.note.upgraded", params: { from: 1, to: v2 } });
    expect(await query(dir.path, "SELECT actor, action, target, detail FROM audit_log WHERE action = 'set.upgrade' AND actor = 'alice'")).toEqual([
      { actor: "alice", action: "set.upgrade", target: `set ${id}`, detail: `rev=3 catalog=1->${v2} note=upgraded 1 ${v2}` },
    ]);

    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set).toMatchObject({ catalogVersion: v2, currentCatalogVersion: v2, exportBlockers: [] });
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/export`)).status).toBe(200);
    expect((await getPage(alice, `/app/sets/${id}`)).body).not.toContain('id="set-pin"');
    const again = await api(alice, "POST", `/app/api/feature-sets/${id}/upgrade`, { revision: 3, catalogVersion: v2 });
    expect(again.status).toBe(422);
    expect(again.json.error).toContain("nothing to upgrade");
  });

  test("restoring a revision from before the upgrade takes the set back to the version it was built on, and back again", async () => {
    const beforeUpgrade = (await api(alice, "GET", `/app/api/feature-sets/${id}/revisions`)).json;
    expect(beforeUpgrade.items.map((r: { revision: number; catalogVersionId: number }) => [r.revision, r.catalogVersionId])).toEqual([
      [3, v2],
      [2, 1],
      [1, 1],
    ]);
    const restored = await postForm(alice, `/app/sets/${id}/restore`, { revision: "3", restore: "2" });
    expect(restored.status).toBe(303);
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    // Revision 2's content with the version its values were checked against: nothing is missing or out of range.
    expect(set).toMatchObject({ revision: 4, catalogVersionId: 1, currentCatalogVersion: v2, content: CONTENT, exportBlockers: [] });
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain(`Built on catalog version 1; version ${v2} is current.`);
    expect(page).toContain("restored revision 2, built on catalog version 1");
    expect(page).not.toContain("no longer in the catalog");
    expect((await getPage(alice, `/app/sets/${id}?lang=ko`)).body).toContain("카탈로그 버전 1 기준인 리비전 2 복원");
    expect((await getPage(alice, `/app/sets/${id}/revisions/3`)).body).toContain(`Catalog version ${v2}`);
    expect(await query(dir.path, "SELECT action, detail FROM audit_log WHERE action = 'set.restore'")).toEqual([
      { action: "set.restore", detail: `rev=4 catalog=${v2}->1 note=restoredOn 2 1` },
    ]);
    // The list says which sets are behind the current version, to their owner and to everyone else.
    const row = (html: string, table: string) => html.slice(html.indexOf(`id="${table}"`)).split("</tr>")[1]!;
    expect(row((await getPage(alice, "/app/sets")).body, "my-sets")).toContain(`${v2} is current`);
    expect(row((await getPage(bob, "/app/sets?lang=ko")).body, "other-sets")).toContain(`현재 ${v2}`);

    // Restoring the upgraded revision is the upgrade again.
    expect((await postForm(alice, `/app/sets/${id}/restore`, { revision: "4", restore: "3" })).status).toBe(303);
    const [upgraded] = await query(dir.path, "SELECT content FROM feature_set_revisions WHERE set_id = ? AND revision = 3", [id]);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json).toMatchObject({ revision: 5, catalogVersionId: v2, content: JSON.parse(String(upgraded!.content)) });
    expect(row((await getPage(alice, "/app/sets")).body, "my-sets")).not.toContain("is current");

    // Scripts restore the same way; what is refused changes nothing.
    const before = await query(dir.path, "SELECT revision, catalog_version_id, content FROM feature_sets WHERE id = ?", [id]);
    expect((await api(bob, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 5, restore: 2 })).status).toBe(403);
    expect((await api(alice, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 4, restore: 2 })).status).toBe(409);
    expect((await api(alice, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 5, restore: 99 })).json).toEqual({ error: "There is no revision 99." });
    expect((await api(alice, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 5, restore: "2" })).status).toBe(400);
    expect(await query(dir.path, "SELECT revision, catalog_version_id, content FROM feature_sets WHERE id = ?", [id])).toEqual(before);
    const byScript = await api(alice, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 5, restore: 2 });
    expect(byScript.status).toBe(200);
    expect(byScript.json).toMatchObject({ revision: 6, catalogVersionId: 1, content: CONTENT });
    expect((await query(dir.path, "SELECT detail FROM audit_log WHERE action = 'set.restore' ORDER BY id")).map((r) => r.detail)).toEqual([
      `rev=4 catalog=${v2}->1 note=restoredOn 2 1`,
      `rev=5 catalog=1->${v2} note=restoredOn 3 ${v2}`,
      `rev=6 catalog=${v2}->1 note=restoredOn 2 1`,
    ]);

    // A revision whose version is not known (none existed when it was saved) keeps the set where it is.
    await query(dir.path, "UPDATE feature_set_revisions SET catalog_version_id = NULL WHERE set_id = ? AND revision = 3", [id]);
    const unknown = await api(alice, "POST", `/app/api/feature-sets/${id}/restore`, { revision: 6, restore: 3 });
    expect(unknown.json).toMatchObject({ revision: 7, catalogVersionId: 1 });
    const [note] = await query(dir.path, "SELECT note, catalog_version_id FROM feature_set_revisions WHERE set_id = ? AND revision = 7", [id]);
    expect({ note: JSON.parse(String(note!.note)), pinned: note!.catalog_version_id }).toEqual({ note: { key: "sets.note.restored", params: { revision: 3 } }, pinned: 1 });
  });

});

test("a new catalog version's impact judges each set against the version it is pinned to", async () => {
  using dir = tempDir("5gfm-pinning-impact-");
  const added = await runCli(["user", "add", "carol", "--role", "user", "--ip", "127.0.0.3", "--catalog-editor", "--data", dir.path]);
  expect(added.code).toBe(0);
  await using carol = await startFeatureApp({ user: "carol", env: { FGM_DATA: dir.path } });
  const { id } = await createSet(carol, "Incheon", CONTENT);
  const v2 = await addVersion(dir.path, "FGR-NU0001", NARROWED);
  // Making version 1 current again changes nothing for a set built on version 1, although it
  // restores a feature and a parameter range that version 2 took away.
  const undo = await api(carol, "POST", "/app/api/catalog/versions/1/make-current", undefined);
  expect(undo.status).toBe(201);
  expect(undo.json.impact.sets).toEqual([]);
  // Version 2's content again does drop one of its features and narrows another: named per set.
  const again = await api(carol, "POST", `/app/api/catalog/versions/${v2}/make-current`, undefined);
  expect(again.status).toBe(409);
  expect(again.json.impact).toMatchObject({ dropped: ["FGR-NU0001"], changed: ["FGR-MM0001"], sets: [{ id, owner: "carol", dropped: ["FGR-NU0001"], changed: ["FGR-MM0001"] }] });
});
