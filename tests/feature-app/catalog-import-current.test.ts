// An import replaces the current catalog for everyone: a 5-row file makes a 5-feature catalog. A
// catalog editor is told what the new version does to the current one before it is written
// ("88 removed, 5 added, 0 changed", the removed features listed), and one that removes features
// is written only with an explicit confirmation, on the pages and in the API; "make current" says
// the same. A file that only adds or changes features needs no confirmation. One real feature-app
// process, its database shared with the CLI that made the catalog editor.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { catalogToCsv } from "../../feature-app/catalog/catalog-file";
import { demoCatalog } from "../../feature-app/catalog/demo-catalog";
import type { Feature } from "../../feature-app/catalog/feature-schema";
import { runCli } from "../helpers/cli";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { api, fileForm, getPage, postForm, uploadDraft } from "./sets-client";

/** What the new user had: five features in a Korean team's own file (UTF-8, Korean headers). */
const KOREAN_CSV = [
  "기능 ID,기능명,분류,릴리즈,상태",
  "KR-0001,캐리어 집성 기본,캐리어 집성,Rel-15,상용",
  "KR-0002,하향링크 3CC 집성,캐리어 집성,Rel-16,상용",
  "KR-0003,동적 스펙트럼 공유,스펙트럼,Rel-16,시험",
  "KR-0004,네트워크 슬라이싱,코어 연동,Rel-17,계획",
  "KR-0005,절전 모드,에너지,Rel-18,상용",
].join("\n");
const KOREAN_IDS = ["KR-0001", "KR-0002", "KR-0003", "KR-0004", "KR-0005"];

describe("an import replaces the current catalog, and says so first", () => {
  using dir = tempDir("5gfm-import-current-");
  let alice: RunningApp;
  const demo = demoCatalog().features;

  const versions = async () => (await query(dir.path, "SELECT id, feature_count FROM catalog_versions ORDER BY id")).map((v) => `v${v.id}:${v.feature_count}`);
  const lastAudit = async () => (await query(dir.path, "SELECT action, target, detail FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY id DESC LIMIT 1"))[0];
  const drafts = async () => Number((await query(dir.path, "SELECT count(*) AS n FROM import_drafts WHERE user = 'alice'"))[0]!.n);

  async function importApi(name: string, csv: string, confirm = false) {
    const response = await fetch(`${alice.url}/app/api/catalog/import${confirm ? "?confirm=true" : ""}`, { method: "POST", headers: alice.auth, body: fileForm(name, csv) });
    return { status: response.status, json: await response.json() };
  }
  const currentFeatures = async (): Promise<Feature[]> => (await api(alice, "GET", "/app/api/catalog/export?format=json")).json.features;

  beforeAll(async () => {
    const added = await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--catalog-editor", "--data", dir.path]);
    if (added.code !== 0) throw new Error(added.stderr);
    alice = await startFeatureApp({ user: "alice", env: { FGM_DATA: dir.path } });
  });
  afterAll(async () => {
    await alice?.[Symbol.asyncDispose]();
  });

  test("imports uploaded but not finished are listed on the upload page, newest first, and lead back to their check", async () => {
    const csv = "id,name\nFGR-ZZ0001,Unfinished\n";
    const first = await uploadDraft(alice, "first-try.csv", csv);
    const second = await uploadDraft(alice, "second-try.csv", csv);
    const page = (await getPage(alice, "/app/import")).body;
    const listed = [...page.matchAll(/<a href="(\/app\/import\/[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual([
      [second, "second-try.csv"],
      [first, "first-try.csv"],
    ]);
    expect(page).toContain("Imports you have not finished (kept for a day)");
    expect((await getPage(alice, first)).status).toBe(200);
    // Discarded, it is no longer offered.
    expect((await postForm(alice, `${first}/discard`, {})).status).toBe(303);
    expect((await getPage(alice, "/app/import")).body).not.toContain(first);
    await postForm(alice, `${second}/discard`, {});
  });

  test("the upload page says a file becomes the current catalog for everyone, and which CSV encodings it reads", async () => {
    const page = (await getPage(alice, "/app/import")).body;
    expect(page).not.toContain("the current one stays as it was");
    expect(page).toContain("that version becomes the current catalog for everyone: a feature the file does not list is no longer in it.");
    expect(page).toContain("CSV (UTF-8, CP949/EUC-KR as Korean Excel saves it, or UTF-16 with a BOM), XLSX or JSON, at most 20 MB.");
    const korean = await (await fetch(`${alice.url}/app/import`, { headers: { ...alice.auth, "accept-language": "ko" } })).text();
    expect(korean).not.toContain("현재 버전은 그대로 남습니다");
    expect(korean).toContain("그 버전이 곧바로 모두의 현재 카탈로그가 됩니다");
  });

  test("a 5-row Korean CSV over the 88-feature demo: the page shows the counts and lists the 88 removed, refuses Import without the box (nothing written), imports with it", async () => {
    const draft = await uploadDraft(alice, "기능목록.csv", KOREAN_CSV);
    const page = (await getPage(alice, draft)).body;
    expect(page).toContain('<p id="impact-current-summary">The current catalog (version 1) has 88 features; this file has 5: 88 removed, 5 added, 0 changed.</p>');
    expect(page).toContain("Once written, the new version is the current catalog for everyone; version 1 is kept in Versions and can be made current again.");
    const removedList = /<details id="impact-removed">(.*?)<\/details>/s.exec(page)?.[1] ?? "";
    expect(removedList).toContain("<summary>The 88 features no longer in the current catalog</summary>");
    expect([...removedList.matchAll(/<li><span class="mono">([^<]+)<\/span>/g)].map((m) => m[1]).toSorted()).toEqual(demo.map((f) => f.id).toSorted());
    expect(page).toContain(`<span class="mono">${demo[0]!.id}</span> ${demo[0]!.name}`);
    // No feature set uses them; the box is about the removal alone.
    expect(page).toContain('id="impact-none"');
    expect(page).toContain("Remove these 88 features from the current catalog: I have checked the list");
    expect(page).toContain('<input type="checkbox" name="confirm" value="yes" id="impact-confirm" required=""/>');
    // The box goes with the current version the page was worked out against.
    expect(page).toContain('<input type="hidden" name="confirmedAgainst" value="1"/>');
    expect(page).toContain("Import 5 features as the new current catalog version");

    const korean = await (await fetch(`${alice.url}${draft}`, { headers: { ...alice.auth, "accept-language": "ko" } })).text();
    expect(korean).toContain("현재 카탈로그(버전 1)에는 기능이 88개, 이 파일에는 5개 있습니다: 삭제 88, 추가 5, 변경 0.");
    expect(korean).toContain("버전 1은 버전 목록에 남아 다시 현재 버전으로 지정할 수 있습니다.");
    expect(korean).toContain("현재 카탈로그에서 이 기능 88개를 뺍니다. 목록을 확인했습니다");

    const refused = await postForm(alice, `${draft}/commit`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("This version removes 88 features from the current catalog: tick the confirmation to go ahead anyway.");
    expect(refused.body).toContain('id="impact-confirm"');
    const refusedHtmx = await postForm(alice, `${draft}/commit`, {}, { "hx-request": "true" });
    expect(refusedHtmx.status).toBe(409);
    expect(refusedHtmx.body).toStartWith('<div id="draft-check">');
    expect(await versions()).toEqual(["v1:88"]);
    expect((await currentFeatures()).length).toBe(88);
    expect((await getPage(alice, draft)).status).toBe(200);

    // Ticked on a page worked out against a version that is no longer current: not written, shown again.
    const stale = await postForm(alice, `${draft}/commit`, { confirm: "yes", confirmedAgainst: "7" });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("Nothing was written: the current catalog has changed since this page was shown (it is now version 1).");
    expect(stale.body).toContain('id="impact-current-summary"');
    expect(await versions()).toEqual(["v1:88"]);

    const confirmed = await postForm(alice, `${draft}/commit`, { confirm: "yes", confirmedAgainst: "1" });
    expect(confirmed).toMatchObject({ status: 303, location: "/app/versions" });
    expect(await versions()).toEqual(["v1:88", "v2:5"]);
    expect((await currentFeatures()).map((f) => f.id)).toEqual(KOREAN_IDS);
    expect(await lastAudit()).toEqual({
      action: "catalog.import",
      target: "v2",
      detail: "file=기능목록.csv featureCount=5 confirmed: removes 88 of the 88 features of the current version 1 (adds 5, changes 0)",
    });
  });

  test("making version 1 current again says what it does to the current catalog; it removes the 5, so it needs the box too (page and API)", async () => {
    const preview = await getPage(alice, "/app/versions/1/make-current");
    expect(preview.body).toContain("The current catalog (version 2) has 5 features; version 1 has 88: 5 removed, 88 added, 0 changed.");
    expect(preview.body).toContain("Remove these 5 features from the current catalog: I have checked the list");

    const refused = await postForm(alice, "/app/versions/1/make-current", {});
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("This version removes 5 features from the current catalog: tick the confirmation to go ahead anyway.");
    const refusedApi = await api(alice, "POST", "/app/api/catalog/versions/1/make-current");
    expect(refusedApi.status).toBe(409);
    expect(refusedApi.json.error).toBe(
      "making version 1 current removes 5 of the 5 features of the current version 2 (adds 88, changes 0); nothing was written: send it again with ?confirm=true to go ahead",
    );
    expect(refusedApi.json.impact.current.removed.map((f: { id: string }) => f.id)).toEqual(KOREAN_IDS);
    expect(await versions()).toEqual(["v1:88", "v2:5"]);

    const stale = await postForm(alice, "/app/versions/1/make-current", { confirm: "yes", confirmedAgainst: "1" });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("the current catalog has changed since this page was shown (it is now version 2)");
    expect(await versions()).toEqual(["v1:88", "v2:5"]);
    const done = await postForm(alice, "/app/versions/1/make-current", { confirm: "yes", confirmedAgainst: "2" });
    expect(done).toMatchObject({ status: 303, location: "/app/versions?made=3&from=1" });
    expect((await getPage(alice, done.location!)).body).toContain("Version 3 is now current, with the content of version 1.");
    expect(await versions()).toEqual(["v1:88", "v2:5", "v3:88"]);
    expect((await lastAudit())!.detail).toBe("from=v1 featureCount=88 confirmed: removes 5 of the 5 features of the current version 2 (adds 88, changes 0)");
  });

  test("through the API, a file that removes features is refused without ?confirm=true, with the counts and the removed features, and nothing is written; with it, it is", async () => {
    const dropped = demo.slice(-3);
    const csv = catalogToCsv(demo.filter((f) => !dropped.includes(f)));
    const refused = await importApi("trimmed.csv", csv);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe(
      "the new version removes 3 of the 88 features of the current version 3 (adds 0, changes 0); nothing was imported: send it again with ?confirm=true to import anyway",
    );
    expect(refused.json.impact.current).toEqual({ version: 3, features: 88, incoming: 85, added: 0, changed: 0, removed: dropped.map(({ id, name }) => ({ id, name })).toSorted((a, b) => (a.id < b.id ? -1 : 1)) });
    expect(await versions()).toEqual(["v1:88", "v2:5", "v3:88"]);
    expect(await drafts()).toBe(0);

    const confirmed = await importApi("trimmed.csv", csv, true);
    expect(confirmed.status).toBe(201);
    expect(confirmed.json.version).toMatchObject({ id: 4, featureCount: 85 });
    expect(confirmed.json.impact.current.removed).toHaveLength(3);
    expect(await versions()).toEqual(["v1:88", "v2:5", "v3:88", "v4:85"]);
  });

  test("a file that only adds and changes features needs no confirmation, on the page and in the API, and is told so in the same words", async () => {
    const current = await currentFeatures();
    const added = (id: string): Feature => ({ ...current[0]!, id, name: `Added ${id}`, requires: [], conflicts: [] });
    const renamed = current.map((f, i) => (i === 1 ? { ...f, name: `${f.name} (renamed)` } : f));

    const draft = await uploadDraft(alice, "grown.csv", catalogToCsv([...renamed, added("NEW-1")]));
    const page = (await getPage(alice, draft)).body;
    expect(page).toContain("The current catalog (version 4) has 85 features; this file has 86: 0 removed, 1 added, 1 changed.");
    expect(page).not.toContain('id="impact-removed"');
    expect(page).not.toContain('id="impact-confirm"');
    expect(await postForm(alice, `${draft}/commit`, {})).toMatchObject({ status: 303, location: "/app/versions" });
    expect((await lastAudit())!.detail).toBe("file=grown.csv featureCount=86");

    const viaApi = await importApi("grown-again.csv", catalogToCsv([...renamed, added("NEW-1"), added("NEW-2")]));
    expect(viaApi.status).toBe(201);
    expect(viaApi.json.impact.current).toEqual({ version: 5, features: 86, incoming: 87, added: 1, changed: 0, removed: [] });
    expect(await versions()).toEqual(["v1:88", "v2:5", "v3:88", "v4:85", "v5:86", "v6:87"]);
  });
});
