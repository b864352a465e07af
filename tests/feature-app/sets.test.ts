// Feature sets against real feature-app processes: two users' processes share one database, as
// behind the gateway. Pages are read as HTML, writes go through the same forms and API a user uses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv from "ajv";
import { unzipSync } from "fflate";
import demo from "../../feature-app/catalog/demo/catalog.json";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, openSocket, startFeatureApp } from "./instance";
import { api, createSet, getPage, postForm } from "./sets-client";
import { appTranslator } from "../../feature-app/messages";

const data = tempDir("5gfm-sets-");
let alice: RunningApp;
let bob: RunningApp;

beforeAll(async () => {
  alice = await startFeatureApp({ user: "alice", env: { FGM_DATA: data.path } });
  bob = await startFeatureApp({ user: "bob", env: { FGM_DATA: data.path } });
});
afterAll(async () => {
  await alice?.[Symbol.asyncDispose]();
  await bob?.[Symbol.asyncDispose]();
  data[Symbol.dispose]();
});

/** The set page's row for a feature, as text without tags. */
function featureRow(page: string, id: string): string | undefined {
  const row = new RegExp(`<tr id="set-feature-${id}">(.*?)</tr>`).exec(page)?.[1];
  return row?.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

describe("choosing features", () => {
  test("a feature with a three-level prerequisite chain brings the other two, each marked as required by it", async () => {
    const created = await postForm(alice, "/app/sets", { name: "Carrier aggregation" });
    expect(created.status).toBe(303);
    const path = created.location!;
    expect(path).toMatch(/^\/app\/sets\/\d+$/);
    // FGR-CA0002 requires FGR-CA0001, which requires FGR-SA0001.
    const added = await postForm(alice, `${path}/features/add`, { revision: "1", feature: "FGR-CA0002" });
    expect(added.status).toBe(303);
    expect((await postForm(alice, `${path}/save`, { revision: "1", name: "Carrier aggregation" })).status).toBe(303);
    const page = (await getPage(alice, path)).body;
    expect(featureRow(page, "FGR-CA0002")).toContain("chosen");
    expect(featureRow(page, "FGR-CA0001")).toContain("required by FGR-CA0002");
    expect(featureRow(page, "FGR-SA0001")).toContain("required by FGR-CA0002");
    expect(featureRow(page, "FGR-CA0001")).not.toContain("chosen");
    const id = path.split("/").pop();
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set.content.features).toEqual(["FGR-CA0002"]);
    expect(set.resolved.features.map((f: { id: string }) => f.id)).toEqual(["FGR-CA0001", "FGR-CA0002", "FGR-SA0001"]);
    expect(set.revision).toBe(2);
  });

  test("a longer chain is followed to its end", async () => {
    // Walked here from the demo catalog's file, independently of the app's own resolution.
    const requires = new Map(demo.features.map((f: { id: string; requires: string[] }) => [f.id, f.requires]));
    const expected = new Set<string>();
    const walk = (id: string) => {
      for (const next of requires.get(id) ?? []) {
        if (expected.has(next)) continue;
        expected.add(next);
        walk(next);
      }
    };
    walk("FGR-VO0003");
    expect(expected.size).toBeGreaterThanOrEqual(4);
    const { id } = await createSet(alice, "VoNR only", { features: ["FGR-VO0003"] });
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    const required = set.resolved.features.filter((f: { chosen: boolean }) => !f.chosen);
    expect(required.map((f: { id: string }) => f.id)).toEqual([...expected].sort());
    for (const feature of required) expect(feature.requiredBy).toEqual(["FGR-VO0003"]);
  });

  test("removing a feature another chosen one needs is refused and says which one needs it", async () => {
    const { id } = await createSet(alice, "Both CA", { features: ["FGR-CA0001", "FGR-CA0002"] });
    const refused = await postForm(alice, `/app/sets/${id}/features/remove`, { revision: "1", feature: "FGR-CA0001" });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("FGR-CA0001 cannot be removed: FGR-CA0002 in this set requires it.");
    const after = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(after.revision).toBe(1);
    expect(after.content.features).toEqual(["FGR-CA0001", "FGR-CA0002"]);
    const removed = await postForm(alice, `/app/sets/${id}/features/remove`, { revision: "1", feature: "FGR-CA0002" });
    expect(removed.status).toBe(303);
    expect((await postForm(alice, `/app/sets/${id}/save`, { revision: "1", name: "Both CA" })).status).toBe(303);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.content.features).toEqual(["FGR-CA0001"]);
  });

  test("a conflicting pair is shown and blocks export, naming both features", async () => {
    const { id } = await createSet(alice, "DSS", { features: ["FGR-DS0001", "FGR-DS0002"] });
    const exported = await api(alice, "GET", `/app/api/feature-sets/${id}/export`);
    expect(exported.status).toBe(422);
    const message = exported.json.errors.join("\n");
    expect(message).toContain("FGR-DS0001 (LTE-NR Dynamic Spectrum Sharing (DSS))");
    expect(message).toContain("FGR-DS0002 (Semi-static LTE-NR Spectrum Split (MBSFN-based))");
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain('id="export-blocked"');
    expect(page).toContain("FGR-DS0001 conflicts with FGR-DS0002");
    expect(page).not.toContain(`href="/app/api/feature-sets/${id}/export"`);
    expect(page).not.toContain(`action="/app/sets/${id}/export"`);
    // The page's "Generate and keep" sent anyway (a page drawn before the conflict) says why, on the page.
    const kept = await postForm(alice, `/app/sets/${id}/export`, {});
    expect(kept.status).toBe(422);
    expect(kept.body).toMatch(/id="form-error">[^<]*FGR-DS0001 \(LTE-NR Dynamic Spectrum Sharing \(DSS\)\) conflicts with FGR-DS0002/);
    expect(await query(data.path, "SELECT id FROM generations WHERE set_id = ?", [id])).toHaveLength(0);
  });

  test("the search lists matching features with a box to tick and their status, and a chosen one without", async () => {
    const { id } = await createSet(alice, "Search", { features: ["FGR-DS0001"] });
    const response = await fetch(`${alice.url}/app/sets/${id}/search?q=dss`, { headers: { ...alice.auth, "hx-request": "true" } });
    const fragment = await response.text();
    expect(fragment).toStartWith('<div id="set-search-results"');
    expect(fragment).toContain('<input type="checkbox" name="feature" value="FGR-DS0003" id="add-FGR-DS0003" aria-label="Add FGR-DS0003"/>');
    expect(fragment).not.toContain('aria-label="Add FGR-DS0001"');
    expect(fragment).toContain('<span class="badge status-trial">trial</span>');
  });
});

describe("generation", () => {
  const content = {
    features: ["FGR-CA0002"],
    values: { "FGR-CA0001": { scellAdditionA4ThresholdRsrp: -105 } },
    sites: [
      { name: "Seoul-Gangnam", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 80 } } },
      { name: "Busan 01", overrides: {} },
    ],
  };

  const exportUrl = (app: RunningApp, id: number, query = "") => `${app.url}/app/api/feature-sets/${id}/export${query}`;
  const keep = (app: RunningApp, id: number, query = "") => fetch(exportUrl(app, id, query), { method: "POST", headers: app.auth });
  const generationCount = async (id: number) => (await query(data.path, "SELECT count(*) AS n FROM generations WHERE set_id = ?", [id]))[0]!.n;

  test("a GET renders the document and stores nothing; a POST keeps it; the same inputs give the same bytes, stating revision and catalog version", async () => {
    const { id } = await createSet(alice, "Deterministic", content);
    const schema = (await api(alice, "GET", "/app/api/schema")).json;
    const validate = new Ajv({ strict: false }).compile(schema);

    const first = await fetch(exportUrl(alice, id), { headers: alice.auth });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("application/json");
    const second = await fetch(exportUrl(bob, id), { headers: bob.auth });
    const [a, b] = [await first.text(), await second.text()];
    expect(b).toBe(a);
    // Any number of GETs, by anyone, leave nothing behind.
    expect(await generationCount(id)).toBe(0);
    const document = JSON.parse(a);
    expect(validate(document)).toBe(true);
    expect(document.featureSet).toEqual({ id, name: "Deterministic", owner: "alice", revision: 1 });
    expect(document.catalog.version).toBe((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.catalogVersion);
    expect(document.features.map((f: { id: string }) => f.id)).toEqual(["FGR-CA0001", "FGR-CA0002", "FGR-SA0001"]);
    expect(document.sites.map((s: { name: string }) => s.name)).toEqual(["Busan 01", "Seoul-Gangnam"]);
    expect(a).not.toMatch(/\d{4}-\d\d-\d\dT/);
    // Not a valid document: the schema really checks.
    expect(validate({ ...document, features: [{ id: "x" }] })).toBe(false);

    const kept = await keep(alice, id);
    expect(kept.status).toBe(200);
    expect(await kept.text()).toBe(a);
    expect(await (await keep(alice, id)).text()).toBe(a);
    const saved = await api(alice, "PUT", `/app/api/feature-sets/${id}`, {
      revision: 1,
      content: { ...content, values: { "FGR-CA0001": { scellAdditionA4ThresholdRsrp: -100 } } },
    });
    expect(saved.status).toBe(200);
    const third = await (await keep(alice, id)).text();
    expect(JSON.parse(third).featureSet.revision).toBe(2);

    const rows = await query(data.path, "SELECT id, set_revision, sha256, site, created_by FROM generations WHERE set_id = ? ORDER BY id", [id]);
    expect(rows.map((r) => [r.set_revision, r.created_by])).toEqual([
      [1, "alice"],
      [1, "alice"],
      [2, "alice"],
    ]);
    expect(rows[0]!.sha256).toBe(rows[1]!.sha256);
    expect(rows[0]!.sha256).toBe(new Bun.CryptoHasher("sha256").update(a).digest("hex"));
    const diff = await api(alice, "GET", `/app/api/feature-sets/${id}/generations/diff?a=${rows[1]!.id}&b=${rows[2]!.id}`);
    expect(diff.json.changes).toEqual([
      { path: "$.featureSet.revision", before: 1, after: 2 },
      { path: '$.features["FGR-CA0001"].parameters.scellAdditionA4ThresholdRsrp', before: -105, after: -100 },
    ]);
    const page = (await getPage(alice, `/app/sets/${id}/diff?a=${rows[1]!.id}&b=${rows[2]!.id}`)).body;
    expect(page).toContain("<td>-105</td><td>-100</td>");
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/generations/diff?a=${rows[0]!.id}&b=${rows[1]!.id}`)).json).toEqual({ changes: [] });
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/generations/diff?a=${rows[0]!.id}&b=999999`)).status).toBe(422);
    const listed = (await api(alice, "GET", `/app/api/feature-sets/${id}/generations`)).json.items;
    expect(listed.map((g: { id: number }) => g.id)).toEqual(rows.map((r) => r.id).reverse());
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/generations/${rows[0]!.id}`)).text).toBe(a);
  });

  test("only the owner keeps generations: another user's POST is refused and changes nothing, their GET still downloads", async () => {
    const { id } = await createSet(alice, "Not yours to keep", content);
    const refused = await keep(bob, id, "?sites=all");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe("only alice, who owns this feature set, may change it");
    expect((await fetch(exportUrl(bob, id, "?sites=all"), { headers: bob.auth })).status).toBe(200);
    expect(await generationCount(id)).toBe(0);
  });

  test("the page's \"Generate and keep\" comes back to the set page (303), which lists the kept export first, marked, says \"Kept as export #N\" and offers its file; a form sent twice keeps once", async () => {
    const { id } = await createSet(alice, "Kept from the page", content);
    const path = `/app/sets/${id}`;
    // One form per choice, each with its own key and the fields that choose what it keeps.
    const forms = [...(await getPage(alice, path)).body.matchAll(new RegExp(`<form method="post" action="${path}/export" class="inline"><input type="hidden" name="idempotency-key" value="([0-9a-f-]{36})"/>(.*?)<button`, "g"))];
    expect(forms.map((f) => f[2])).toEqual(['', '<input type="hidden" name="site" value="Busan 01"/>', '<input type="hidden" name="site" value="Seoul-Gangnam"/>', '<input type="hidden" name="sites" value="all"/>']);
    const keys = forms.map((f) => f[1]!);
    expect(new Set(keys).size).toBe(4);

    const whole = await postForm(alice, `${path}/export`, { "idempotency-key": keys[0]! });
    expect(whole.status).toBe(303);
    const first = { id: Number((await query(data.path, "SELECT id FROM generations WHERE set_id = ?", [id]))[0]!.id) };
    expect(whole.location).toBe(`${path}?kept=${first.id}`);
    // Sent again (a double click, a resent form): the same answer, nothing more kept.
    expect(await postForm(alice, `${path}/export`, { "idempotency-key": keys[0]! })).toMatchObject({ status: 303, location: whole.location });
    expect(await generationCount(id)).toBe(1);
    const shown = (await getPage(alice, whole.location!)).body;
    expect(shown).not.toContain("Nothing generated yet.");
    expect(shown).toContain(`<p>Kept as export #${first.id}: the whole set, from revision 1.</p>`);
    expect(shown).toContain(`<a href="/app/api/feature-sets/${id}/generations/${first.id}" download="feature-set-${id}-r1.json" id="kept-export-download">Download feature-set-${id}-r1.json</a>`);
    expect(shown).toMatch(new RegExp(`<tbody><tr id="generation-${first.id}" class="kept"><td><a [^>]+>${first.id}</a> <span class="badge status-active">just kept</span>`));
    const download = await fetch(`${alice.url}/app/api/feature-sets/${id}/generations/${first.id}`, { headers: alice.auth });
    expect(await download.text()).toBe(await (await fetch(exportUrl(alice, id), { headers: alice.auth })).text());

    const all = await postForm(alice, `${path}/export`, { "idempotency-key": keys[3]!, sites: "all" });
    const ids = (await query(data.path, "SELECT id FROM generations WHERE set_id = ? AND id > ? ORDER BY id", [id, first.id])).map((r) => Number(r.id));
    expect(ids).toHaveLength(2);
    const [a, b] = ids as [number, number];
    expect(all).toMatchObject({ status: 303, location: `${path}?kept=${a}&zip` });
    const zipped = (await getPage(alice, all.location!)).body;
    expect(zipped).toContain(`<p>Kept as export #${a}–${b}: every site (2 documents in one zip), from revision 1.</p>`);
    expect(zipped).toContain(`href="/app/api/feature-sets/${id}/generations/${a}?zip" download="feature-set-${id}-r1-sites.zip"`);
    expect([...zipped.matchAll(/<tr id="generation-(\d+)"( class="kept")?>/g)].map((m) => [Number(m[1]), m[2] !== undefined])).toEqual([
      [b, true],
      [a, true],
      [first.id, false],
    ]);
    const zip = unzipSync(new Uint8Array(await (await fetch(`${alice.url}/app/api/feature-sets/${id}/generations/${a}?zip`, { headers: alice.auth })).arrayBuffer()));
    expect(Object.keys(zip).sort()).toEqual([`feature-set-${id}-r1-Busan_01.json`, `feature-set-${id}-r1-Seoul-Gangnam.json`]);
    // In the reader's language.
    const korean = (await getPage(alice, `${all.location}&lang=ko`)).body;
    expect(korean).toContain(`<p>${appTranslator("ko")("generation.keptSites", { id: `${a}–${b}`, revision: 1, count: 2 })}</p>`);
    expect(korean).toContain(`feature-set-${id}-r1-sites.zip 내려받기`);

    const site = await postForm(alice, `${path}/export`, { "idempotency-key": keys[1]!, site: "Busan 01" });
    expect((await getPage(alice, site.location!)).body).toContain(`<p>Kept as export #${b + 1}: site Busan 01, from revision 1.</p>`);
    // A marker naming no generation of this set says nothing.
    expect((await getPage(alice, `${path}?kept=999999`)).body).not.toContain('id="kept-export"');
  });

  test("the page's \"Generate and keep\" is the owner's, and a site or scope that is not there is refused with its reason; nothing is kept", async () => {
    const { id } = await createSet(alice, "Page keep refusals", content);
    const refused = await postForm(bob, `/app/sets/${id}/export`, { sites: "all" });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Only alice, who owns this feature set, may change it.");
    const noSite = await postForm(alice, `/app/sets/${id}/export`, { site: "Nowhere" });
    expect(noSite.status).toBe(404);
    expect(noSite.body).toMatch(/id="form-error">[^<]*Nowhere/);
    const badScope = await postForm(alice, `/app/sets/${id}/export`, { sites: "some" });
    expect(badScope.status).toBe(422);
    expect(badScope.body).toContain("An export is of the whole set, one site or every site; nothing was kept.");
    expect(await generationCount(id)).toBe(0);
  });

  /** The DOS date and time of every local file header in a zip, as "YYYY-MM-DD hh:mm". */
  function zipTimes(bytes: Uint8Array): string[] {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const times: string[] = [];
    for (let at = 0; at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50; ) {
      const [time, date] = [view.getUint16(at + 10, true), view.getUint16(at + 12, true)];
      const pad = (n: number) => String(n).padStart(2, "0");
      times.push(`${1980 + (date >> 9)}-${pad((date >> 5) & 15)}-${pad(date & 31)} ${pad(time >> 11)}:${pad((time >> 5) & 63)}`);
      at += 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true) + view.getUint32(at + 18, true);
    }
    return times;
  }
  const localMinute = (date: Date) => {
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  };

  test("a zip of all sites holds one document per site with the site's overrides; its entries carry the generation's time and it downloads again byte for byte", async () => {
    const { id } = await createSet(alice, "Zip", content);
    const before = Date.now();
    const response = await keep(alice, id, "?sites=all");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    const bytes = new Uint8Array(await response.arrayBuffer());
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual([`feature-set-${id}-r1-Busan_01.json`, `feature-set-${id}-r1-Seoul-Gangnam.json`]);
    const seoul = JSON.parse(new TextDecoder().decode(files[`feature-set-${id}-r1-Seoul-Gangnam.json`]));
    const busan = JSON.parse(new TextDecoder().decode(files[`feature-set-${id}-r1-Busan_01.json`]));
    expect(seoul.site).toBe("Seoul-Gangnam");
    const validate = new Ajv({ strict: false }).compile((await api(alice, "GET", "/app/api/schema")).json);
    expect([validate(seoul), validate(busan)]).toEqual([true, true]);
    const ca1 = (doc: { features: { id: string; parameters: Record<string, unknown> }[] }) => doc.features.find((f) => f.id === "FGR-CA0001")!.parameters;
    expect(ca1(seoul)).toMatchObject({ scellActivationBufferThreshold: 80, scellAdditionA4ThresholdRsrp: -105 });
    expect(ca1(busan)).toMatchObject({ scellActivationBufferThreshold: 50, scellAdditionA4ThresholdRsrp: -105 });

    const rows = await query(data.path, "SELECT id, batch, created_at FROM generations WHERE set_id = ? ORDER BY id", [id]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.batch).toBe(rows[1]!.batch);
    const created = new Date(Number(rows[0]!.created_at));
    expect(created.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // DOS times count in 2 s steps: the minute is what both sides agree on.
    expect(zipTimes(bytes)).toEqual([localMinute(created), localMinute(created)]);
    const again = new Uint8Array(await (await fetch(`${alice.url}/app/api/feature-sets/${id}/generations/${rows[1]!.id}?zip`, { headers: alice.auth })).arrayBuffer());
    expect(again).toEqual(bytes);

    // A rendering (GET) is dated by the revision it shows, so it too is the same every time.
    const rendered = new Uint8Array(await (await fetch(exportUrl(alice, id, "?sites=all"), { headers: alice.auth })).arrayBuffer());
    expect(new Uint8Array(await (await fetch(exportUrl(alice, id, "?sites=all"), { headers: alice.auth })).arrayBuffer())).toEqual(rendered);
    const updatedAt = new Date((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.updatedAt);
    expect(zipTimes(rendered)).toEqual([localMinute(updatedAt), localMinute(updatedAt)]);
    expect(await generationCount(id)).toBe(2);

    const site = await fetch(exportUrl(alice, id, "?site=Busan%2001"), { headers: alice.auth });
    expect(JSON.parse(await site.text())).toEqual(busan);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/export?site=Nowhere`)).status).toBe(404);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/export?sites=some`)).json).toEqual({ error: 'sites must be "all"' });
  });

  test("a set keeps its newest exports up to FGM_GENERATION_KEEP, and pinned ones besides; pinning is the owner's", async () => {
    await using carol = await startFeatureApp({ user: "carol", env: { FGM_DATA: data.path, FGM_GENERATION_KEEP: "2" } });
    const { id } = await createSet(carol, "Kept", content);
    const batches = async () => (await query(data.path, "SELECT batch, count(*) AS n, max(pinned) AS pinned FROM generations WHERE set_id = ? GROUP BY batch ORDER BY min(id)", [id]));
    for (let i = 0; i < 2; i++) expect((await keep(carol, id, "?sites=all")).status).toBe(200);
    const [oldest] = await batches();
    const oldestId = (await query(data.path, "SELECT min(id) AS id FROM generations WHERE batch = ?", [String(oldest!.batch)]))[0]!.id;
    expect((await postForm(bob, `/app/sets/${id}/pin`, { revision: "1", generation: String(oldestId), pinned: "true" })).status).toBe(403);
    expect((await postForm(carol, `/app/sets/${id}/pin`, { revision: "1", generation: String(oldestId), pinned: "true" })).status).toBe(303);
    expect((await postForm(carol, `/app/sets/${id}/pin`, { revision: "1", generation: "999999", pinned: "true" })).status).toBe(422);
    for (let i = 0; i < 2; i++) await keep(carol, id, "?sites=all");
    const kept = await batches();
    expect(kept.map((b) => [b.n, b.pinned])).toEqual([
      [2, 1],
      [2, 0],
      [2, 0],
    ]);
    expect(kept[0]!.batch).toBe(oldest!.batch);
    // Unpinned, it goes at the next export like any other.
    const unpin = await api(carol, "POST", `/app/api/feature-sets/${id}/generations/${oldestId}/pin`, { pinned: false });
    expect(unpin.json).toEqual({ pinned: false });
    expect((await api(carol, "POST", `/app/api/feature-sets/${id}/generations/${oldestId}/pin`, { pinned: "no" })).status).toBe(400);
    await keep(carol, id);
    expect((await batches()).map((b) => b.n)).toEqual([2, 1]);
  });

  test("an export with deprecated or planned features lists them as warnings, on the page and in a header", async () => {
    const { id } = await createSet(alice, "Warned", { features: ["FGR-CA0008", "FGR-MO0007"] });
    const exported = await fetch(exportUrl(alice, id), { headers: alice.auth });
    expect(exported.status).toBe(200);
    expect(JSON.parse(exported.headers.get("x-export-warnings") ?? "[]")).toEqual([
      "FGR-CA0008 (Multi-cell PDSCH/PUSCH Scheduling with Single DCI) is planned in the catalog.",
      "FGR-MO0007 (Blind Redirection to LTE) is deprecated in the catalog.",
    ]);
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toMatch(/id="export-warnings">.*FGR-MO0007 \(Blind Redirection to LTE\) is deprecated in the catalog\./s);
    const plain = await createSet(alice, "Unwarned", { features: ["FGR-CA0002"] });
    expect((await fetch(exportUrl(alice, plain.id), { headers: alice.auth })).headers.get("x-export-warnings")).toBeNull();
  });

  test("a bad FGM_GENERATION_KEEP stops the app with the reason", async () => {
    const started = startFeatureApp({ user: "dave", env: { FGM_GENERATION_KEEP: "0" } });
    await expect(started).rejects.toThrow("invalid FGM_GENERATION_KEEP '0' (expected an integer from 1 to 1000)");
  });

  test("a zip export reports its progress to the user's open pages over the WebSocket", async () => {
    const { id } = await createSet(alice, "Progress", content);
    const socket = await openSocket(alice);
    try {
      expect(JSON.parse(String(await socket.next()))).toMatchObject({ type: "hello", user: "alice" });
      await fetch(`${alice.url}/app/api/feature-sets/${id}/export?sites=all`, { method: "POST", headers: alice.auth });
      const messages = [JSON.parse(String(await socket.next())), JSON.parse(String(await socket.next()))];
      expect(messages).toEqual([
        { type: "progress", task: "export", done: 1, total: 2 },
        { type: "progress", task: "export", done: 2, total: 2 },
      ]);
    } finally {
      socket.socket.close();
    }
  });

  test("the page's charts get the set's coverage per category and a parameter's values per site", async () => {
    const { id } = await createSet(alice, "Charts", content);
    const coverage = (await api(alice, "GET", `/app/sets/${id}/charts/coverage`)).json;
    const i = coverage.labels.indexOf("Carrier Aggregation");
    expect(coverage.set[i]).toBe(2);
    expect(coverage.catalog[i]).toBeGreaterThan(2);
    expect(coverage.set.reduce((a: number, b: number) => a + b, 0)).toBe(3);
    const parameter = (await api(alice, "GET", `/app/sets/${id}/charts/parameter?param=FGR-CA0001.scellActivationBufferThreshold`)).json;
    expect(parameter).toMatchObject({ labels: ["Busan 01", "Seoul-Gangnam"], values: [50, 80], default: 50 });
    expect((await api(alice, "GET", `/app/sets/${id}/charts/parameter?param=FGR-CA0001.scellDeactivationTimer`)).status).toBe(422);
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain('<option value="FGR-CA0001.scellActivationBufferThreshold">');
    expect(page).toMatch(/<script type="module" src="\/static\/set-charts\.js(\?[^"]*)?"><\/script>/);
    // Under the CSP: no inline script, style or event handler.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe("drafts: many edits, one save", () => {
  const revisionsOf = async (id: number) => query(data.path, "SELECT revision, note FROM feature_set_revisions WHERE set_id = ? ORDER BY revision", [id]);
  const draftOf = async (id: number) => query(data.path, "SELECT user, base_revision FROM feature_set_drafts WHERE set_id = ?", [id]);

  test("ticked and pasted features, values and sites accumulate in a draft kept in the database; Save writes one revision with the user's note", async () => {
    const { id } = await createSet(alice, "3.5 GHz SA migration");
    const path = `/app/sets/${id}`;
    const added = await postForm(alice, `${path}/features/add`, { revision: "1", feature: "FGR-CA0002", ids: "FGR-VO0001\nFGR-SA0002; FGR-MO0001 ,FGR-CA0002", q: "3CC" });
    expect(added.status).toBe(303);
    expect(added.location).toBe(`${path}?q=3CC`);
    expect(await revisionsOf(id)).toHaveLength(1);
    expect(await draftOf(id)).toEqual([{ user: "alice", base_revision: 1 }]);

    // Another process of the same user (a tab closed, the app restarted) finds the draft.
    await using again = await startFeatureApp({ user: "alice", env: { FGM_DATA: data.path } });
    const page = (await getPage(again, path)).body;
    expect(page).toContain("Unsaved draft");
    for (const feature of ["FGR-CA0002", "FGR-VO0001", "FGR-SA0002", "FGR-MO0001", "FGR-CA0001"]) expect(page).toContain(`id="set-feature-${feature}"`);
    expect(page).toContain(">Save as revision 2</button>");
    expect(page).toContain("Exports are made from the saved revision 1; your draft is not in them until you save it.");
    // The list of sets marks it too, for its owner only.
    expect((await getPage(again, "/app/sets")).body).toContain(`<a href="/app/sets/${id}">3.5 GHz SA migration</a> <span class="badge status-deprecated">Unsaved draft</span>`);
    expect((await getPage(bob, "/app/sets")).body).not.toContain("Unsaved draft");

    const edited = await postForm(again, `${path}/draft`, {
      revision: "1",
      name: "3.5 GHz SA migration",
      "value:FGR-CA0001:scellAdditionA4ThresholdRsrp": "-101",
      "site-name-0": "Gangnam",
      "site-overrides-0": "FGR-CA0001.scellActivationBufferThreshold = 90",
    });
    expect(edited.status).toBe(303);
    expect((await getPage(alice, path)).body).toContain('value="-101"');
    expect(await revisionsOf(id)).toHaveLength(1);

    const form = { revision: "1", name: "3.5 GHz SA migration", "value:FGR-CA0001:scellAdditionA4ThresholdRsrp": "-101", "site-name-0": "Gangnam", "site-overrides-0": "FGR-CA0001.scellActivationBufferThreshold = 90" };
    const saved = await postForm(alice, `${path}/save`, { ...form, note: "SA migration, Gangnam first" });
    expect(saved.status).toBe(303);
    const revisions = await revisionsOf(id);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(JSON.parse(String(revisions[1]!.note))).toEqual({ text: "SA migration, Gangnam first" });
    // The audit trail quotes what the user wrote, not the note's stored form.
    expect(await query(data.path, "SELECT detail FROM audit_log WHERE action = 'set.save' AND target = ? ORDER BY id DESC LIMIT 1", [`set ${id}`])).toEqual([
      { detail: "rev=2 note=SA migration, Gangnam first" },
    ]);
    expect(await draftOf(id)).toEqual([]);
    // The editor's own draft save fires as the focus leaves a field, so it can arrive just after
    // "Save": sent from the page of revision 1, it must not start a new draft of what was just saved.
    expect((await postForm(alice, `${path}/draft`, { ...form, "site-name-1": "Late" })).status).toBe(303);
    expect(await draftOf(id)).toEqual([]);
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set.content.features).toEqual(["FGR-CA0002", "FGR-MO0001", "FGR-SA0002", "FGR-VO0001"]);
    expect(set.content.sites).toEqual([{ name: "Gangnam", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 90 } } }]);
    const after = (await getPage(alice, path)).body;
    expect(after).toContain("<td>SA migration, Gangnam first</td>");
    // A value that differs from the catalog default stands out and names the default; the others do not.
    expect(after).toMatch(/<div class="field changed"><label for="field-value:FGR-CA0001:scellAdditionA4ThresholdRsrp">.*?<small class="default">catalog default: -110<\/small>/);
    expect(after).toContain('<div class="field"><label for="field-value:FGR-CA0001:scellActivationBufferThreshold">');
    // The override example names a parameter of this set, from the current catalog.
    expect(after).toContain('id="sites-new-column" name="grid-column" placeholder="FGR-CA0001.maxDlComponentCarriers"');
    expect((await getPage(alice, `${path}?sites=text`)).body).toContain('placeholder="FGR-CA0001.maxDlComponentCarriers = 2"');
    expect(after).not.toContain("Unsaved draft");
  });

  test("an id the catalog lacks refuses the whole addition by name and changes nothing; a note too long is refused with its reason", async () => {
    const { id } = await createSet(alice, "Unknown ids", { features: ["FGR-CA0001"] });
    const refused = await postForm(alice, `/app/sets/${id}/features/add`, { revision: "1", ids: "FGR-CA0002, FGR-NOPE1; <b>x</b>" });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("Nothing added: the catalog has no features FGR-NOPE1, &lt;b&gt;x&lt;/b&gt;.");
    expect((await postForm(alice, `/app/sets/${id}/features/add`, { revision: "1" })).body).toContain("Tick features in the search results or paste their ids.");
    // A hostile paste (a megabyte of ids) is cut to its limit and answered with a short message.
    const flood = await postForm(alice, `/app/sets/${id}/features/add`, { revision: "1", ids: Array.from({ length: 100_000 }, (_, i) => `X${i}`).join(";") });
    expect(flood.status).toBe(422);
    expect(flood.body).toMatch(/Nothing added: the catalog has no features X0, X1, .*X19 … \(\d+\)\./);
    expect(flood.body.length).toBeLessThan(200_000);
    expect(await draftOf(id)).toEqual([]);
    // A draft has a size limit: a hostile client cannot park megabytes in the database.
    const huge = await postForm(alice, `/app/sets/${id}/draft`, { revision: "1", name: "Unknown ids", "site-name-0": "A", "site-overrides-0": "x".repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toContain("The draft is too large to keep; remove some sites or values.");
    expect(await draftOf(id)).toEqual([]);
    const long = await postForm(alice, `/app/sets/${id}/save`, { revision: "1", name: "Unknown ids", note: "x".repeat(501) });
    expect(long.status).toBe(422);
    expect(long.body).toContain("A note may have at most 500 characters.");
    expect(await revisionsOf(id)).toHaveLength(1);
  });

  test("through htmx an addition answers only the parts it changes, the search and its words kept, the pasted list cleared", async () => {
    const { id } = await createSet(alice, "Swaps", { features: ["FGR-SA0001"] });
    const response = await fetch(`${alice.url}/app/sets/${id}/features/add`, {
      method: "POST",
      headers: { ...alice.auth, "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
      body: new URLSearchParams([["revision", "1"], ["q", "3CC"], ["feature", "FGR-CA0002"], ["feature", "FGR-CA0008"]]).toString(),
    });
    expect(response.status).toBe(200);
    const fragment = await response.text();
    expect(fragment).not.toContain("<html");
    const swapped = [...fragment.matchAll(/<[a-z]+ [^>]*id="([^"]+)"[^>]*hx-swap-oob="true"/g)].map((m) => m[1]);
    expect(swapped).toEqual(["set-draft", "set-features", "set-search-results", "set-add-messages", "set-add-paste", "set-editor"]);
    expect(fragment).toContain("Added to the draft: FGR-CA0002, FGR-CA0008.");
    expect(fragment).toContain("FGR-CA0008 (Multi-cell PDSCH/PUSCH Scheduling with Single DCI) is planned in the catalog.");
    // The search results come back for the same words, the added one now marked as chosen.
    expect(fragment).toMatch(/id="set-search-results".*FGR-CA0002/s);
    expect(fragment).not.toContain('value="FGR-CA0002" id="add-FGR-CA0002"');
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.revision).toBe(1);
  });

  test("a stale save is refused and the draft kept; after looking, the owner keeps the draft on top of the new revision and saves it", async () => {
    const { id } = await createSet(alice, "Stale draft", { features: ["FGR-CA0001"] });
    const path = `/app/sets/${id}`;
    await postForm(alice, `${path}/features/add`, { revision: "1", ids: "FGR-VO0001" });
    expect((await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "Renamed elsewhere" })).status).toBe(200);
    const stale = await postForm(alice, `${path}/save`, { revision: "1", name: "Stale draft", note: "my work" });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("Not saved: you started from revision 1, but alice has since saved revision 2.");
    expect(stale.body).toContain('value="my work"');
    expect(await draftOf(id)).toEqual([{ user: "alice", base_revision: 1 }]);
    const page = (await getPage(alice, path)).body;
    expect(page).toContain("Your draft starts from revision 1, but alice has since saved revision 2.");
    expect((await postForm(alice, `${path}/draft/rebase`, { revision: "2" })).status).toBe(303);
    expect(await draftOf(id)).toEqual([{ user: "alice", base_revision: 2 }]);
    expect((await postForm(alice, `${path}/save`, { revision: "2", name: "Stale draft", note: "my work" })).status).toBe(303);
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set).toMatchObject({ revision: 3, name: "Stale draft", content: { features: ["FGR-CA0001", "FGR-VO0001"] } });
    // Discarding drops the draft and nothing else.
    await postForm(alice, `${path}/features/add`, { revision: "3", ids: "FGR-SA0002" });
    expect((await postForm(alice, `${path}/draft/discard`, { revision: "3" })).status).toBe(303);
    expect(await draftOf(id)).toEqual([]);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.revision).toBe(3);
  });

  test("removing a feature from the draft takes its site overrides with it, so the save goes through", async () => {
    const sites = [{ name: "Ulsan", overrides: { "FGR-CA0002": { a6Offset: 5 }, "FGR-CA0001": { scellActivationBufferThreshold: 70 } } }];
    const { id } = await createSet(alice, "Removal", { features: ["FGR-CA0001", "FGR-CA0002"], sites });
    expect((await postForm(alice, `/app/sets/${id}/features/remove`, { revision: "1", feature: "FGR-CA0002" })).status).toBe(303);
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).not.toContain("site-cell-0-FGR-CA0002.a6Offset");
    const form = { revision: "1", name: "Removal", "site-name-0": "Ulsan", "site-cell-0-FGR-CA0001.scellActivationBufferThreshold": "70" };
    expect((await postForm(alice, `/app/sets/${id}/save`, form)).status).toBe(303);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.content).toMatchObject({
      features: ["FGR-CA0001"],
      sites: [{ name: "Ulsan", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 70 } } }],
    });
  });

  test("the API adds many features in one PUT, as one revision with the note given", async () => {
    const { id } = await createSet(alice, "Bulk", { features: ["FGR-SA0001"] });
    const ids = demo.features.map((f: { id: string }) => f.id).filter((f: string) => !f.startsWith("FGR-DS")).slice(0, 50);
    const saved = await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, add: ids, note: "50 features for the market" });
    expect(saved.status).toBe(200);
    expect(saved.json.revision).toBe(2);
    expect(new Set(saved.json.content.features)).toEqual(new Set(["FGR-SA0001", ...ids]));
    expect((await revisionsOf(id)).map((r) => String(r.note))).toEqual([expect.any(String), JSON.stringify({ text: "50 features for the market" })]);
    const bad = await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 2, add: ["FGR-NOPE1"] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ path: `content.features[${saved.json.content.features.length}]`, message: "The catalog has no feature FGR-NOPE1." }]);
    expect((await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 2, add: "FGR-CA0001" })).json).toEqual({ error: "add must list feature ids" });
    expect((await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 2, note: "x".repeat(501) })).json).toEqual({ error: "note may have at most 500 characters" });
    expect(await revisionsOf(id)).toHaveLength(2);
  });
});

describe("comparing revisions", () => {
  test("any two revisions compare as features added and removed, sites added, removed and changed, and values old → new", async () => {
    const { id } = await createSet(alice, "Compared", {
      features: ["FGR-CA0001", "FGR-VO0001"],
      values: { "FGR-CA0001": { scellAdditionA4ThresholdRsrp: -105 } },
      sites: [{ name: "Busan", overrides: {} }, { name: "Seoul", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 80 } } }],
    });
    const saved = await api(alice, "PUT", `/app/api/feature-sets/${id}`, {
      revision: 1,
      note: "CA 3CC, Seoul tuned, Busan out",
      content: {
        features: ["FGR-CA0002", "FGR-VO0001"],
        values: { "FGR-CA0001": { scellAdditionA4ThresholdRsrp: -100 } },
        sites: [{ name: "Seoul", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 90 } } }, { name: "Daegu", overrides: {} }],
      },
    });
    expect(saved.status).toBe(200);
    const diff = await api(alice, "GET", `/app/api/feature-sets/${id}/revisions/diff?a=1&b=2`);
    expect(diff.status).toBe(200);
    expect(diff.json).toEqual({
      from: 1,
      to: 2,
      features: { added: ["FGR-CA0002"], removed: ["FGR-CA0001"] },
      sites: { added: ["Daegu"], removed: ["Busan"], changed: ["Seoul"] },
      changes: [
        { path: '$.sites["Busan"]', before: { name: "Busan", overrides: {} } },
        { path: '$.sites["Daegu"]', after: { name: "Daegu", overrides: {} } },
        { path: '$.sites["Seoul"].overrides["FGR-CA0001"].scellActivationBufferThreshold', before: 80, after: 90 },
        { path: '$.values["FGR-CA0001"].scellAdditionA4ThresholdRsrp', before: -105, after: -100 },
      ],
    });
    // Backwards works too, and a revision compared with itself has no changes.
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/revisions/diff?a=2&b=1`)).json.features).toEqual({ added: ["FGR-CA0001"], removed: ["FGR-CA0002"] });
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/revisions/diff?a=2&b=2`)).json.changes).toEqual([]);
    for (const bad of ["a=1&b=9", "a=1", "a=x&b=2"]) {
      expect((await api(alice, "GET", `/app/api/feature-sets/${id}/revisions/diff?${bad}`)).json).toEqual({ error: "a and b must be numbers of two revisions of this feature set" });
    }
    const listed = (await api(alice, "GET", `/app/api/feature-sets/${id}/revisions`)).json.items;
    expect(listed.map((r: { revision: number; note: string }) => [r.revision, r.note])).toEqual([
      [2, "CA 3CC, Seoul tuned, Busan out"],
      [1, "created"],
    ]);

    const fragment = (await getPage(bob, `/app/sets/${id}/revisions/diff?a=1&b=2`)).body;
    expect(fragment).toStartWith('<div id="revision-diff"');
    expect(fragment).toContain("<li>Features added: FGR-CA0002</li>");
    expect(fragment).toContain("<li>Sites changed: Seoul</li>");
    expect(fragment).toContain("<td>-105</td><td>-100</td>");
    const korean = await fetch(`${alice.url}/app/sets/${id}/revisions/diff?a=1&b=2`, { headers: { ...alice.auth, "accept-language": "ko" } });
    expect(await korean.text()).toContain("<li>추가된 기능: FGR-CA0002</li>");
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain(`hx-get="/app/sets/${id}/revisions/diff"`);
    expect((await getPage(alice, `/app/sets/${id}/revisions/diff?a=1&b=7`)).status).toBe(422);
  });
});

describe("sites as a grid", () => {
  const grid = (app: RunningApp, id: number, add: string, form: Record<string, string>) =>
    fetch(`${app.url}/app/sets/${id}/sites/grid?add=${add}`, {
      method: "POST",
      headers: { ...app.auth, "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
      body: new URLSearchParams(form).toString(),
    });

  test("sites × overridden parameters: cells save as overrides, an empty cell inherits, a ticked row goes; + site and + column redraw the grid with what was typed", async () => {
    const { id } = await createSet(alice, "Grid", {
      features: ["FGR-CA0001"],
      sites: [
        { name: "Seoul", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 80 } } },
        { name: "Busan", overrides: { "FGR-SA0001": { qRxLevMin: -120 } } },
      ],
    });
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect([...page.matchAll(/<th><code>([^<]+)<\/code><\/th>/g)].map((m) => m[1])).toEqual(["FGR-CA0001.scellActivationBufferThreshold", "FGR-SA0001.qRxLevMin"]);
    // Sites by name: Busan is row 0.
    expect(page).toContain('name="site-cell-0-FGR-SA0001.qRxLevMin" value="-120"');
    expect(page).toContain('name="site-cell-0-FGR-CA0001.scellActivationBufferThreshold" value=""');

    const typed = { revision: "1", name: "Grid", "site-name-0": "Busan", "site-cell-0-FGR-SA0001.qRxLevMin": "-120", "site-name-1": "Seoul", "site-cell-1-FGR-CA0001.scellActivationBufferThreshold": "85", "grid-columns": "FGR-CA0001.scellActivationBufferThreshold,FGR-SA0001.qRxLevMin" };
    const withColumn = await (await grid(alice, id, "column", { ...typed, "grid-column": "FGR-CA0001.scellAdditionA4ThresholdRsrp" })).text();
    expect(withColumn).toStartWith('<div id="sites-grid">');
    expect(withColumn).toContain('name="site-cell-1-FGR-CA0001.scellAdditionA4ThresholdRsrp" value=""');
    expect(withColumn).toContain('name="site-cell-1-FGR-CA0001.scellActivationBufferThreshold" value="85"');
    expect(await (await grid(alice, id, "column", { ...typed, "grid-column": "FGR-XX0001.nope" })).text()).toContain("FGR-XX0001.nope is not a parameter of a feature in this set.");
    const withRow = await (await grid(alice, id, "row", typed)).text();
    expect(withRow).toContain('id="field-site-name-2" name="site-name-2" value=""');
    // A hostile client posting more rows than a set may hold gets no grid drawn for them.
    const flood = Object.fromEntries(Array.from({ length: 2100 }, (_, i) => [`site-name-${i}`, `S${i}`]));
    expect((await grid(alice, id, "row", { revision: "1", ...flood })).status).toBe(413);

    const check = async (field: string, value: string) =>
      (await (await fetch(`${alice.url}/app/sets/${id}/validate?field=${encodeURIComponent(field)}`, { method: "POST", headers: { ...alice.auth, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ [field]: value }).toString() })).text()).replace(/<\/?span>/g, "");
    expect(await check("site-cell-0-FGR-SA0001.qRxLevMin", "-20")).toBe("Must be between -140 and -44.");
    expect(await check("site-cell-0-FGR-SA0001.qRxLevMin", "")).toBe("");

    const saved = await postForm(alice, `/app/sets/${id}/save`, {
      ...typed,
      "site-cell-1-FGR-CA0001.scellAdditionA4ThresholdRsrp": "-101",
      "site-cell-0-FGR-SA0001.qRxLevMin": "",
      "site-name-2": "Daegu",
      "site-cell-2-FGR-SA0001.qRxLevMin": "-118",
      "site-remove-0": "yes",
      note: "grid",
    });
    expect(saved.status).toBe(303);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.content.sites).toEqual([
      { name: "Daegu", overrides: { "FGR-SA0001": { qRxLevMin: -118 } } },
      { name: "Seoul", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 85, scellAdditionA4ThresholdRsrp: -101 } } },
    ]);
    // The text view stays for power users, and a line the grid cannot show opens there.
    expect((await getPage(alice, `/app/sets/${id}?sites=text`)).body).toContain("FGR-CA0001.scellActivationBufferThreshold = 85\nFGR-CA0001.scellAdditionA4ThresholdRsrp = -101</textarea>");
    await postForm(alice, `/app/sets/${id}/draft`, { revision: "2", name: "Grid", "site-name-0": "Seoul", "site-overrides-0": "half a line" });
    expect((await getPage(alice, `/app/sets/${id}`)).body).toContain("half a line</textarea>");
  });
});

describe("sites as a table", () => {
  const upload = (app: RunningApp, path: string, name: string, bytes: Uint8Array<ArrayBuffer> | string, fields: Record<string, string> = {}) => {
    const body = new FormData();
    for (const [key, value] of Object.entries(fields)) body.append(key, value);
    body.append("file", new File([bytes], name));
    return fetch(`${app.url}${path}`, { method: "POST", headers: app.auth, body, redirect: "manual" });
  };

  test("the sites export as CSV and XLSX and import back; an imported table replaces the sites as one revision", async () => {
    const sites = [
      { name: "Seoul-Gangnam", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 80, scellAdditionA4ThresholdRsrp: -100 } } },
      { name: "Busan 01", overrides: { "FGR-SA0001": { qRxLevMin: -120 } } },
    ];
    const { id } = await createSet(alice, "Table", { features: ["FGR-CA0001"], sites });
    const csv = await (await fetch(`${alice.url}/app/api/feature-sets/${id}/sites?format=csv`, { headers: alice.auth })).text();
    expect(csv.split("\r\n")).toEqual([
      "site,FGR-CA0001.scellActivationBufferThreshold,FGR-CA0001.scellAdditionA4ThresholdRsrp,FGR-SA0001.qRxLevMin",
      "Busan 01,,,-120",
      "Seoul-Gangnam,80,-100,",
    ]);
    const xlsx = new Uint8Array(await (await fetch(`${alice.url}/app/api/feature-sets/${id}/sites?format=xlsx`, { headers: alice.auth })).arrayBuffer());
    expect([xlsx[0], xlsx[1]]).toEqual([0x50, 0x4b]);

    // A planning spreadsheet: new sites, edited values; one revision with a note naming the file.
    const planned = "site,FGR-CA0001.scellActivationBufferThreshold,FGR-SA0001.qRxLevMin\nDaegu 7,60,\nSeoul-Gangnam,90,-118\n";
    const imported = await upload(alice, `/app/api/feature-sets/${id}/sites?revision=1`, "plan.csv", planned);
    expect(imported.status).toBe(200);
    const set = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(set.revision).toBe(2);
    expect(set.content.sites).toEqual([
      { name: "Daegu 7", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 60 } } },
      { name: "Seoul-Gangnam", overrides: { "FGR-CA0001": { scellActivationBufferThreshold: 90 }, "FGR-SA0001": { qRxLevMin: -118 } } },
    ]);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}/revisions`)).json.items[0].note).toBe("imported 2 sites from plan.csv");
    // The XLSX export reads back as the same sites.
    const again = await upload(alice, `/app/api/feature-sets/${id}/sites?revision=2`, "sites.xlsx", xlsx);
    expect(again.status).toBe(200);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.content.sites).toEqual(sites.toSorted((a, b) => a.name.localeCompare(b.name)));
  });

  test("a text value a spreadsheet would run as a formula is exported with a leading ' and imports back as it was", async () => {
    const sites = [{ name: "Mokpo", overrides: { "FGR-VO0003": { operatorLabel: "=HYPERLINK(\"http://x\")" } } }];
    const { id } = await createSet(alice, "Formula", { features: ["FGR-VO0003"], sites });
    const csv = await (await fetch(`${alice.url}/app/api/feature-sets/${id}/sites?format=csv`, { headers: alice.auth })).text();
    expect(csv).toContain(`Mokpo,"'=HYPERLINK(""http://x"")"`);
    expect((await upload(alice, `/app/api/feature-sets/${id}/sites?revision=1`, "back.csv", csv)).status).toBe(200);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.content.sites).toEqual(sites);
  });

  test("a bad table names every bad cell by row and column and changes nothing; a stale or foreign import is refused", async () => {
    const { id } = await createSet(alice, "Bad table", { features: ["FGR-CA0001"], sites: [{ name: "Keep me", overrides: {} }] });
    const bad = "site,FGR-CA0001.scellActivationBufferThreshold,FGR-XX0001.level,FGR-CA0001.nothing\nA,abc,,\n../etc,5,,\nA,7,,\n";
    const refused = await upload(alice, `/app/api/feature-sets/${id}/sites?revision=1`, "bad.csv", bad);
    expect(refused.status).toBe(422);
    expect((await refused.json()).problems).toEqual([
      "Row 1, column FGR-XX0001.level: FGR-XX0001 is not in this feature set.",
      "Row 1, column FGR-CA0001.nothing: FGR-CA0001 has no parameter nothing.",
      "Row 2, column FGR-CA0001.scellActivationBufferThreshold: Must be a whole number.",
      expect.stringMatching(/^Row 3, column site: A site name starts with a letter or digit/),
      "Row 4, column site: Two sites have the same name (case, and space against _, do not count).",
    ]);
    expect((await (await upload(alice, `/app/api/feature-sets/${id}/sites?revision=1`, "no-site.csv", "name\nA\n")).json()).problems).toEqual(['Row 1, column : The table needs a column named "site" with the site names.']);
    expect((await upload(alice, `/app/api/feature-sets/${id}/sites?revision=1`, "x.json", "{}")).status).toBe(422);
    expect((await upload(bob, `/app/api/feature-sets/${id}/sites?revision=1`, "ok.csv", "site\nB\n")).status).toBe(403);
    expect((await upload(alice, `/app/api/feature-sets/${id}/sites`, "ok.csv", "site\nB\n")).status).toBe(400);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json).toMatchObject({ revision: 1, content: { sites: [{ name: "Keep me", overrides: {} }] } });
    expect((await upload(alice, `/app/api/feature-sets/${id}/sites?revision=0`, "ok.csv", "site\nB\n")).status).toBe(409);
  });

  test("on the page, an imported table goes into the draft; a bad one is refused with its reasons, in Korean too", async () => {
    const { id } = await createSet(alice, "Page table", { features: ["FGR-CA0001"] });
    const imported = await upload(alice, `/app/sets/${id}/sites/import`, "plan.csv", "site,FGR-CA0001.scellActivationBufferThreshold\nDaegu 7,60\n", { revision: "1" });
    expect(imported.status).toBe(303);
    const page = (await getPage(alice, `/app/sets/${id}?imported=1`)).body;
    expect(page).toContain("Imported 1 sites into the draft.");
    expect(page).toContain('value="Daegu 7"');
    expect(page).toContain('name="site-cell-0-FGR-CA0001.scellActivationBufferThreshold" value="60"');
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.revision).toBe(1);
    const body = new FormData();
    body.append("revision", "1");
    body.append("file", new File(["site,FGR-CA0001.scellActivationBufferThreshold\nDaegu 7,x\n"], "bad.csv"));
    const korean = await fetch(`${alice.url}/app/sets/${id}/sites/import`, { method: "POST", headers: { ...alice.auth, "accept-language": "ko" }, body });
    expect(korean.status).toBe(422);
    expect(await korean.text()).toContain("2행, FGR-CA0001.scellActivationBufferThreshold 열:");
  });
});

describe("saving", () => {
  test("a stale save is refused with 409, says who saved first, and keeps the input on screen", async () => {
    const { id } = await createSet(alice, "Stale", { features: ["FGR-CA0001"] });
    const first = await postForm(alice, `/app/sets/${id}/save`, { revision: "1", name: "Stale (first)", "site-name-0": "Site A", "site-overrides-0": "" });
    expect(first.status).toBe(303);
    const stale = await postForm(alice, `/app/sets/${id}/save`, {
      revision: "1",
      name: "My unsaved name",
      "value:FGR-CA0001:scellAdditionA4ThresholdRsrp": "-99",
      "site-name-0": "Site B",
      "site-overrides-0": "FGR-CA0001.scellActivationBufferThreshold = 70",
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain("Not saved: you started from revision 1, but alice has since saved revision 2.");
    expect(stale.body).toContain('value="My unsaved name"');
    expect(stale.body).toContain('value="-99"');
    expect(stale.body).toContain('value="Site B"');
    expect(stale.body).toContain('name="site-cell-0-FGR-CA0001.scellActivationBufferThreshold" value="70"');
    const stored = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(stored.name).toBe("Stale (first)");
    expect(stored.revision).toBe(2);

    const viaApi = await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "Late" });
    expect(viaApi.status).toBe(409);
    expect(viaApi.json.error).toContain("you started from revision 1");
    expect(viaApi.json.revision).toBe(2);
  });

  test("values are checked by type as the user types, and a bad save changes nothing", async () => {
    const { id } = await createSet(alice, "Types", { features: ["FGR-VO0003", "FGR-SA0001"] });
    const check = async (field: string, value: string) => {
      const response = await fetch(`${alice.url}/app/sets/${id}/validate?field=${encodeURIComponent(field)}`, {
        method: "POST",
        headers: { ...alice.auth, "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
        body: new URLSearchParams({ [field]: value }).toString(),
      });
      return (await response.text()).replace(/<\/?span>/g, "");
    };
    expect(await check("value:FGR-SA0001:qRxLevMin", "-120")).toBe("");
    expect(await check("value:FGR-SA0001:qRxLevMin", "-12.5")).toBe("Must be a whole number.");
    expect(await check("value:FGR-SA0001:qRxLevMin", "abc")).toBe("Must be a whole number.");
    expect(await check("value:FGR-SA0001:qRxLevMin", "-20")).toBe("Must be between -140 and -44.");
    expect(await check("value:FGR-VO0003:voiceCoverageHysteresis", "x")).toBe("Must be a number.");
    expect(await check("value:FGR-SA0001:ssbPeriodicityServingCell", "ms7")).toBe("Must be one of: ms5, ms10, ms20, ms40, ms80, ms160.");
    expect(await check("value:FGR-VO0003:rejectNonVonrUes", "maybe")).toBe("Must be true or false.");
    expect(await check("value:FGR-VO0003:operatorLabel", "x".repeat(500))).toMatch(/^May have at most \d+ characters\.$/);
    expect(await check("site-overrides-0", "FGR-SA0001.qRxLevMin = -150")).toBe("Line 1: FGR-SA0001.qRxLevMin: Must be between -140 and -44.");
    expect(await check("site-overrides-0", "\nFGR-CA0001.x = 1")).toBe("Line 2: FGR-CA0001 is not in this feature set.");
    // Every bad line is named, not only the first.
    expect(await check("site-overrides-0", "FGR-SA0001.qRxLevMin = -150\nFGR-XX.y = 1\ngarbage")).toBe(
      "Line 1: FGR-SA0001.qRxLevMin: Must be between -140 and -44. Line 2: FGR-XX is not in this feature set. Line 3: write FEATURE.parameter = value",
    );
    expect(await check("site-name-0", "<b>bad/name</b>")).toContain("A site name starts with a letter or digit");
    expect(await check("value:FGR-SA0001:qRxLevMin", "<script>")).toBe("Must be a whole number.");

    const bad = await postForm(alice, `/app/sets/${id}/save`, { revision: "1", name: "Types", "value:FGR-SA0001:qRxLevMin": "-20", "site-name-0": "" });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain("Not saved: correct the fields marked below.");
    expect(bad.body).toContain("Must be between -140 and -44.");
    expect(bad.body).toContain('value="-20"');

    const badApi = await api(alice, "PUT", `/app/api/feature-sets/${id}`, {
      revision: 1,
      content: { features: ["FGR-VO0003", "FGR-SA0001"], values: { "FGR-SA0001": { qRxLevMin: "low", nothing: 1 } }, sites: [{ name: "../etc" }] },
    });
    expect(badApi.status).toBe(422);
    expect(badApi.json.errors.map((e: { path: string }) => e.path)).toEqual(["content.sites[0].name"]);
    const badValues = await api(alice, "PUT", `/app/api/feature-sets/${id}`, {
      revision: 1,
      content: { features: ["FGR-VO0003", "FGR-SA0001", "FGR-NOPE"], values: { "FGR-SA0001": { qRxLevMin: "low", nothing: 1 }, "FGR-DS0001": { enabled: true } } },
    });
    expect(badValues.status).toBe(422);
    expect(badValues.json.errors).toEqual([
      { path: "content.features[2]", message: "The catalog has no feature FGR-NOPE." },
      { path: "content.values.FGR-SA0001.qRxLevMin", message: "FGR-SA0001.qRxLevMin: Must be a whole number." },
      { path: "content.values.FGR-SA0001.nothing", message: "FGR-SA0001 has no parameter nothing." },
      { path: "content.values.FGR-DS0001", message: "FGR-DS0001 is not in this feature set." },
    ]);
    const sameFile = await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, content: { features: [], sites: [{ name: "Site 1" }, { name: "site_1" }] } });
    expect(sameFile.json.errors).toEqual([{ path: "content.sites", message: "Two sites have the same name (case, and space against _, do not count)." }]);
    expect((await api(alice, "PUT", `/app/api/feature-sets/${id}`, { name: "x" })).status).toBe(400);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json.revision).toBe(1);
  });

  test("every save is a revision; an old one can be viewed and restored, which makes a new revision", async () => {
    const { id } = await createSet(alice, "History", { features: ["FGR-CA0001"] });
    expect((await api(alice, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "History v2", content: { features: ["FGR-CA0002"] } })).status).toBe(200);
    const old = await getPage(alice, `/app/sets/${id}/revisions/1`);
    expect(old.status).toBe(200);
    expect(old.body).toContain("History — revision 1");
    expect(old.body).toContain('<p id="revision-features">FGR-CA0001</p>');
    const restored = await postForm(alice, `/app/sets/${id}/restore`, { revision: "2", restore: "1" });
    expect(restored.status).toBe(303);
    const now = (await api(alice, "GET", `/app/api/feature-sets/${id}`)).json;
    expect(now).toMatchObject({ revision: 3, name: "History", content: { features: ["FGR-CA0001"] } });
    const page = (await getPage(alice, `/app/sets/${id}`)).body;
    expect(page).toContain("restored revision 1");
    const revisions = await query(data.path, "SELECT revision, name, note FROM feature_set_revisions WHERE set_id = ? ORDER BY revision", [id]);
    expect(revisions.map((r) => [r.revision, r.name])).toEqual([
      [1, "History"],
      [2, "History v2"],
      [3, "History"],
    ]);
  });
});

describe("owners and other users", () => {
  test("another user can view and clone a set but not change or delete it", async () => {
    const { id } = await createSet(alice, "Alice's market", { features: ["FGR-CA0001"] });
    const page = await getPage(bob, `/app/sets/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Alice&#39;s market");
    expect(page.body).toContain("view only");
    expect(page.body).not.toContain("/features/add");
    expect(page.body).not.toContain(">Save</button>");
    expect((await getPage(bob, "/app/sets")).body).toMatch(/<table id="other-sets">.*Alice&#39;s market/s);

    expect((await api(bob, "PUT", `/app/api/feature-sets/${id}`, { revision: 1, name: "Bob's now" })).status).toBe(403);
    expect((await api(bob, "DELETE", `/app/api/feature-sets/${id}`)).status).toBe(403);
    expect((await postForm(bob, `/app/sets/${id}/save`, { revision: "1", name: "Bob's now" })).status).toBe(403);
    expect((await postForm(bob, `/app/sets/${id}/features/add`, { revision: "1", feature: "FGR-DS0001" })).status).toBe(403);
    expect((await postForm(bob, `/app/sets/${id}/delete`, {})).status).toBe(403);
    expect((await api(alice, "GET", `/app/api/feature-sets/${id}`)).json).toMatchObject({ name: "Alice's market", revision: 1 });

    const cloned = await postForm(bob, `/app/sets/${id}/clone`, { name: "Bob's copy" });
    expect(cloned.status).toBe(303);
    const cloneId = cloned.location!.split("/").pop();
    const clone = (await api(bob, "GET", `/app/api/feature-sets/${cloneId}`)).json;
    expect(clone).toMatchObject({ owner: "bob", name: "Bob's copy", revision: 1, content: { features: ["FGR-CA0001"] } });
    expect((await api(bob, "PUT", `/app/api/feature-sets/${cloneId}`, { revision: 1, name: "Bob's own" })).status).toBe(200);

    const unconfirmed = await postForm(alice, `/app/sets/${id}/delete`, {});
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.body).toContain("Tick the box to confirm the deletion.");
    expect((await postForm(alice, `/app/sets/${id}/delete`, { confirm: "yes" })).location).toBe("/app/sets");
    expect((await api(bob, "GET", `/app/api/feature-sets/${id}`)).status).toBe(404);
  });

  test("the pages speak Korean to a Korean reader", async () => {
    const { id } = await createSet(alice, "한국어", { features: ["FGR-DS0001", "FGR-DS0002"] });
    const response = await fetch(`${alice.url}/app/sets/${id}`, { headers: { ...alice.auth, "accept-language": "ko" } });
    const page = await response.text();
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain("다음을 해결해야 이 기능 세트를 내보낼 수 있습니다:");
    expect(page).toContain("FGR-DS0001 (LTE-NR Dynamic Spectrum Sharing (DSS))는 FGR-DS0002");
  });

  test("a set is listed through the API and bad ids and bodies get clear errors", async () => {
    const { id } = await createSet(alice, "Listed");
    const list = (await api(bob, "GET", "/app/api/feature-sets")).json;
    expect(list.items.find((s: { id: number }) => s.id === id)).toMatchObject({ owner: "alice", name: "Listed" });
    expect(list.items[0].content).toBeUndefined();
    expect((await api(alice, "GET", "/app/api/feature-sets/abc")).status).toBe(404);
    const notJson = await fetch(`${alice.url}/app/api/feature-sets`, { method: "POST", headers: alice.auth, body: "{" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: "the body must be a JSON object" });
    const noName = await api(alice, "POST", "/app/api/feature-sets", { name: "  " });
    expect(noName.status).toBe(422);
    expect(noName.json.errors).toEqual([{ path: "name", message: "Give the feature set a name." }]);
  });
});
