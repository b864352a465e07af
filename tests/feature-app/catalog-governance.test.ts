// Who may change the team's catalog, what a change does to others' feature sets before it is
// written, and undo. Real feature-app processes share one database with the CLI that manages the
// users, as they do behind the gateway: the catalog-editor flag is read from it on each request.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { catalogToCsv } from "../../feature-app/catalog/catalog-file";
import { prerequisitesOf } from "../../feature-app/catalog/catalog-rules";
import { demoCatalog } from "../../feature-app/catalog/demo-catalog";
import { query } from "../helpers/database";
import { runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { api, createSet, fileForm, getPage, postForm, uploadDraft } from "./sets-client";

const FORBIDDEN = "Only catalog editors and administrators may change the team's catalog";

async function cli(...args: string[]) {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

async function importCsv(app: RunningApp, csv: string, confirm = false) {
  const response = await fetch(`${app.url}/app/api/catalog/import${confirm ? "?confirm=true" : ""}`, {
    method: "POST",
    headers: { ...app.auth, "x-forwarded-for": "127.0.0.9" },
    body: fileForm("team.csv", csv),
  });
  return { status: response.status, json: await response.json() };
}

const versionCount = async (dir: string) => Number((await query(dir, "SELECT count(*) AS n FROM catalog_versions"))[0]!.n);
const catalogAudit = (dir: string) => query(dir, "SELECT actor, action, address, target, detail FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY id");

describe("catalog governance", () => {
  using dir = tempDir("5gfm-governance-");
  let bob: RunningApp;
  let dave: RunningApp;
  const demo = demoCatalog().features;
  // Three features nothing else refers to are dropped; one parameter of a feature outside the set changes.
  const referenced = new Set(demo.flatMap((f) => [...f.requires, ...f.conflicts]));
  const dropped = demo.filter((f) => !referenced.has(f.id)).slice(0, 3).map((f) => f.id);
  const chosen = dropped.slice(0, 2);
  const byId = new Map(demo.map((f) => [f.id, f]));
  const used = new Set([...chosen, ...chosen.flatMap((id) => prerequisitesOf(byId, id))]);
  const changedId = demo.find((f) => f.parameters.length > 0 && !used.has(f.id) && !dropped.includes(f.id))!.id;
  const trimmedCsv = catalogToCsv(
    demo
      .filter((f) => !dropped.includes(f.id))
      .map((f) => (f.id === changedId ? { ...f, parameters: f.parameters.map((p, i) => (i === 0 ? { ...p, description: `${p.description ?? ""} (changed)` } : p)) } : f)),
  );

  beforeAll(async () => {
    await cli("user", "add", "bob", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path);
    await cli("user", "add", "dave", "--role", "user", "--ip", "127.0.0.4", "--data", dir.path);
    bob = await startFeatureApp({ user: "bob", env: { FGM_DATA: dir.path } });
    dave = await startFeatureApp({ user: "dave", env: { FGM_DATA: dir.path } });
  });
  afterAll(async () => {
    await bob?.[Symbol.asyncDispose]();
    await dave?.[Symbol.asyncDispose]();
  });

  test("a plain user browses, compares and exports but cannot import or make a version current: 403 with the reason, nothing changes", async () => {
    expect((await getPage(bob, "/app/")).status).toBe(200);
    expect((await getPage(bob, "/app/versions")).body).not.toContain("make-current");
    expect((await api(bob, "GET", "/app/api/catalog/export?format=csv")).status).toBe(200);
    const page = await getPage(bob, "/app/import");
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="read-only"');
    expect(page.body).not.toContain('id="upload-form"');
    // Anyone may prepare a file from the template; only editors may import it.
    expect((await getPage(bob, "/app/import/template.xlsx")).status).toBe(200);

    const refused = await importCsv(bob, trimmedCsv);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toStartWith(FORBIDDEN);
    for (const [path, expected] of [
      ["/app/import", 403],
      ["/app/import/anything/commit", 403],
      ["/app/versions/1/make-current", 403],
    ] as const) {
      const posted = await postForm(bob, path, { confirm: "yes" });
      expect(`${path} ${posted.status}`).toBe(`${path} ${expected}`);
      expect(posted.body).toContain(FORBIDDEN.replace("'", "&#39;"));
    }
    expect((await api(bob, "POST", "/app/api/catalog/versions/1/make-current?confirm=true")).status).toBe(403);
    expect(await versionCount(dir.path)).toBe(1);
    expect(await catalogAudit(dir.path)).toEqual([]);
  });

  test("marking a user catalog editor from the command line applies to their running app at once, audited; an import that breaks others' sets needs confirmation", async () => {
    const { id } = await createSet(dave, "Seoul macro", { features: chosen });
    await cli("user", "set", "bob", "--catalog-editor", "--data", dir.path);
    expect((await query(dir.path, "SELECT actor, action, target, detail FROM audit_log WHERE action = 'user.update'"))[0]).toEqual({
      actor: "cli",
      action: "user.update",
      target: "bob",
      detail: "catalogEditor=true",
    });
    expect((await getPage(bob, "/app/import")).body).toContain('id="upload-form"');

    const csv = trimmedCsv;
    const unconfirmed = await importCsv(bob, csv);
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.json.error).toContain("drops 2 features used by 1 sets (owners: dave)");
    expect(unconfirmed.json.impact.sets).toEqual([{ id, name: "Seoul macro", owner: "dave", dropped: chosen.toSorted(), changed: [] }]);
    expect(await versionCount(dir.path)).toBe(1);

    // dave's set now also uses the feature whose parameter changes.
    await api(dave, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, content: { features: [...chosen, changedId] } });
    const again = await importCsv(bob, csv);
    expect(again.json.impact.changed).toEqual([changedId]);
    const confirmed = await importCsv(bob, csv, true);
    expect(confirmed.status).toBe(201);
    expect(confirmed.json.version).toMatchObject({ id: 2, importedBy: "bob", featureCount: demo.length - 3 });
    expect(await catalogAudit(dir.path)).toEqual([
      {
        actor: "bob",
        action: "catalog.import",
        address: "127.0.0.9",
        target: "v2",
        detail: `file=team.csv featureCount=${demo.length - 3} confirmed: removes 3 of the ${demo.length} features of the current version 1 (adds 0, changes 1); drops 2 features used by 1 sets (owners: dave); changes parameters of 1`,
      },
    ]);
  });

  test("an editor makes version 1 current again from the Versions page: its impact first, then a new version with v1's content, audited", async () => {
    const versions = await getPage(bob, "/app/versions");
    expect(versions.body).toContain('id="make-current-1"');
    // dave's "Seoul macro" is pinned to v1, which going back to v1 leaves alone; a set built on v2
    // sees one parameter change again.
    await createSet(dave, "Daegu", { features: [changedId] });
    const preview = await getPage(bob, "/app/versions/1/make-current");
    expect(preview.status).toBe(200);
    expect(preview.body).toContain('id="impact"');
    expect(preview.body).toContain("<td>Daegu</td><td>dave</td>");
    expect(preview.body).not.toContain("<td>Seoul macro</td>");
    expect(preview.body).toContain('id="impact-confirm"');

    const unconfirmed = await postForm(bob, "/app/versions/1/make-current", {});
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body).toContain("tick the confirmation");
    expect(await versionCount(dir.path)).toBe(2);

    const done = await postForm(bob, "/app/versions/1/make-current", { confirm: "yes" });
    // Answered with a redirect, so reloading the page that says so does not make a version again.
    expect(done).toMatchObject({ status: 303, location: "/app/versions?made=3&from=1" });
    expect((await getPage(bob, done.location!)).body).toContain("Version 3 is now current, with the content of version 1.");
    expect((await getPage(bob, "/app/versions?made=x&from=1")).body).not.toContain("is now current");
    const [v1, v3] = await query(dir.path, "SELECT id, content_hash, format, source, imported_by FROM catalog_versions WHERE id IN (1, 3) ORDER BY id");
    expect(v3).toMatchObject({ content_hash: v1!.content_hash, format: "restore", source: "v1", imported_by: "bob" });
    expect((await catalogAudit(dir.path)).at(-1)).toMatchObject({ actor: "bob", action: "catalog.make-current", target: "v3" });
    expect((await catalogAudit(dir.path)).at(-1)!.detail).toStartWith(`from=v1 featureCount=${demo.length}`);

    // The same content again writes nothing; the API says so.
    const same = await api(bob, "POST", "/app/api/catalog/versions/3/make-current");
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ unchanged: true, version: { id: 3 } });
    expect((await api(bob, "POST", "/app/api/catalog/versions/99/make-current")).status).toBe(404);

    // v3 has v1's content: the v2 file affects dave's set built on v1 (not the one built on v2), and its page import needs the confirmation.
    const draft = await uploadDraft(bob, "page.csv", trimmedCsv);
    const page = (await getPage(bob, draft)).body;
    expect(page).toContain('id="impact-confirm"');
    expect(page).toContain("Drops 2 features used by 1 set (owners: dave); changes parameters of 1.");
    expect(page).toContain("<td>Seoul macro</td><td>dave</td>");
    const notTicked = await postForm(bob, `${draft}/commit`, {});
    expect(notTicked.status).toBe(409);
    expect(notTicked.body).toContain("tick the confirmation to go ahead anyway");
    expect(await versionCount(dir.path)).toBe(3);
    const ticked = await postForm(bob, `${draft}/commit`, { confirm: "yes" });
    expect(ticked).toMatchObject({ status: 303, location: "/app/versions" });
    expect(await versionCount(dir.path)).toBe(4);

    // Uploads cannot pile up: a person keeps at most 3 drafts, the oldest go first.
    const drafts: string[] = [];
    for (let i = 0; i < 5; i++) drafts.push(await uploadDraft(bob, `draft-${i}.csv`, trimmedCsv));
    expect((await query(dir.path, "SELECT count(*) AS n FROM import_drafts WHERE user = 'bob'"))[0]!.n).toBe(3);
    expect(await Promise.all(drafts.map(async (path) => (await getPage(bob, path)).status))).toEqual([404, 404, 200, 200, 200]);

    // Taking the flag away applies at once too.
    await cli("user", "set", "bob", "--no-catalog-editor", "--data", dir.path);
    expect((await api(bob, "POST", "/app/api/catalog/versions/2/make-current?confirm=true")).status).toBe(403);
    expect(await versionCount(dir.path)).toBe(4);
  });

  test("feature set events go to the same audit trail: create, save, clone, export, delete", async () => {
    const { id } = await createSet(dave, "Busan", { features: [changedId] });
    expect((await api(dave, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "Busan macro" })).status).toBe(200);
    const clone = await api(dave, "POST", `/app/api/feature-sets/${id}/clone`, { name: "Busan copy" });
    expect(clone.status).toBe(201);
    expect((await api(dave, "POST", `/app/api/feature-sets/${id}/export`)).status).toBe(200);
    expect((await api(dave, "DELETE", `/app/api/feature-sets/${clone.json.id}`)).status).toBe(204);
    const rows = await query(dir.path, "SELECT actor, action, target, detail FROM audit_log WHERE action LIKE 'set.%' AND target IN (?, ?) ORDER BY id", [`set ${id}`, `set ${clone.json.id}`]);
    expect(rows.map((r) => `${r.actor} ${r.action} ${r.target}`)).toEqual([
      `dave set.create set ${id}`,
      `dave set.save set ${id}`,
      `dave set.clone set ${clone.json.id}`,
      `dave set.export set ${id}`,
      `dave set.delete set ${clone.json.id}`,
    ]);
    expect(rows[1]!.detail).toBe("rev=2 note=api");
    expect(rows[2]!.detail).toBe(`name=Busan copy note=cloned ${id} 2`);
    expect(rows[3]!.detail).toMatch(/^rev=2 catalog=v\d+ scope=set$/);
  });
});
