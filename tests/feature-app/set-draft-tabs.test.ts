// One set open in two tabs of its owner. The editor posts its whole form with every change, so
// without a check a tab that has not seen the other's edits would put back its own sites and name
// over them. Each page posts the draft edition it shows and its own tab id: an edit from a page that
// has not seen another page's change is refused and shown what the draft now holds, a stale save
// saves nothing, and a page's own edits overtaking the edition it shows (Save pressed while its
// last edit is on the way) are no conflict.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { createSet, getPage, postForm } from "./sets-client";

const data = tempDir("5gfm-draft-tabs-");
let alice: RunningApp;
beforeAll(async () => {
  alice = await startFeatureApp({ user: "alice", env: { FGM_DATA: data.path } });
});
afterAll(async () => {
  await alice?.[Symbol.asyncDispose]();
  data[Symbol.dispose]();
});

const htmx = { "hx-request": "true" };
const TAB_A = "aaaaaaaa-0000-4000-8000-000000000001";
const TAB_B = "bbbbbbbb-0000-4000-8000-000000000002";
const shownEdition = (html: string) => Number(html.match(/name="draftEdition" id="set-draft-edition" value="(\d+)"/)?.[1]);
const storedDraft = async (id: number) => {
  const [row] = await query(data.path, "SELECT name, content, edition FROM feature_set_drafts WHERE set_id = ?", [id]);
  return row && { name: row.name, sites: JSON.parse(String(row.content)).sites.map((s: { name: string }) => s.name), edition: Number(row.edition) };
};

test("a tab that has not seen the other tab's edits cannot put its sites back over them; a stale save saves nothing", async () => {
  const { id } = await createSet(alice, "Two tabs", { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] });
  const path = `/app/sets/${id}`;
  // Both tabs open the page before any edit: each shows "no draft yet".
  const [tabA, tabB] = [(await getPage(alice, path)).body, (await getPage(alice, path)).body];
  expect([shownEdition(tabA), shownEdition(tabB)]).toEqual([0, 0]);

  // Tab A adds a site; its answer tells the page the edition it now shows.
  const edited = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "0", draftTab: TAB_A, name: "Two tabs", "site-name-0": "Gangnam", "site-name-1": "Seocho" }, htmx);
  expect(edited.status).toBe(200);
  expect(shownEdition(edited.body)).toBe(1);
  expect(edited.body).toContain('id="set-draft-edition" value="1" hx-swap-oob="true"');
  const second = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "1", draftTab: TAB_A, name: "Two tabs", "site-name-0": "Gangnam", "site-name-1": "Seocho", "site-name-2": "Jamsil" }, htmx);
  expect(shownEdition(second.body)).toBe(2);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });

  // Tab B still shows one site, and renames the set: refused, and shown the draft as tab A left it.
  const stale = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "0", draftTab: TAB_B, name: "Renamed in B", "site-name-0": "Gangnam" }, htmx);
  expect(stale.status).toBe(409);
  expect(stale.body).toContain("Your last change was not kept: this draft had been changed in another tab or window.");
  expect(stale.body).toContain('value="Jamsil"');
  expect(shownEdition(stale.body)).toBe(2);
  // The redrawn editor is still tab B's.
  expect(stale.body).toContain(`id="set-draft-tab" value="${TAB_B}"`);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });
  const korean = await postForm(alice, `${path}/draft?lang=ko`, { revision: "1", draftEdition: "1", draftTab: TAB_B, name: "B", "site-name-0": "Gangnam" }, htmx);
  expect(korean.body).toContain("마지막 변경은 반영되지 않았습니다.");

  // Tab B's Save from its stale page saves nothing and keeps the draft; the form shows what B typed.
  const staleSave = await postForm(alice, `${path}/save`, { revision: "1", draftEdition: "0", draftTab: TAB_B, name: "Renamed in B", "site-name-0": "Gangnam", note: "" });
  expect(staleSave.status).toBe(409);
  expect(staleSave.body).toContain("Nothing was saved: this draft had been changed in another tab or window.");
  expect(staleSave.body).toContain('value="Renamed in B"');
  expect(await query(data.path, "SELECT revision FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 1 }]);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });
  // Having been told, saving again from that page keeps exactly what it shows.
  expect(shownEdition(staleSave.body)).toBe(2);
  const deliberate = await postForm(alice, `${path}/save`, { revision: "1", draftEdition: "2", draftTab: TAB_B, name: "Renamed in B", "site-name-0": "Gangnam", note: "" });
  expect(deliberate.status).toBe(303);
  expect(await query(data.path, "SELECT revision, name FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 2, name: "Renamed in B" }]);
  expect(await storedDraft(id)).toBeUndefined();
});

test("a page's own edits overtaking the edition it shows (Save pressed while two edits are on the way) are no conflict", async () => {
  const { id } = await createSet(alice, "One tab", { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] });
  const path = `/app/sets/${id}`;
  const page = { revision: "1", draftEdition: "0", draftTab: TAB_A };
  // Two fields changed in quick succession; the page has seen neither answer yet, so each says edition 0.
  expect((await postForm(alice, `${path}/draft`, { ...page, name: "One tab", "site-name-0": "Gangnam", "site-name-1": "Mapo" }, htmx)).status).toBe(200);
  expect((await postForm(alice, `${path}/features/add`, { ...page, feature: "FGR-CA0001" }, htmx)).status).toBe(200);
  const saved = await postForm(alice, `${path}/save`, { ...page, name: "One tab, renamed", "site-name-0": "Gangnam", "site-name-1": "Mapo", note: "Mapo added" });
  expect(saved.status).toBe(303);
  const [set] = await query(data.path, "SELECT revision, name, content FROM feature_sets WHERE id = ?", [id]);
  expect({ revision: set!.revision, name: set!.name, features: JSON.parse(String(set!.content)).features }).toEqual({ revision: 2, name: "One tab, renamed", features: ["FGR-CA0001"] });
  // An edit of that page arriving after the save (sent from the page of revision 1) starts no draft.
  expect((await postForm(alice, `${path}/draft`, { ...page, name: "Late", "site-name-0": "Gangnam" }, htmx)).status).toBe(200);
  expect(await storedDraft(id)).toBeUndefined();
});

test("another page's add of a feature counts as a change that page made: a stale tab's save after it is refused", async () => {
  const { id } = await createSet(alice, "Add elsewhere", { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] });
  const path = `/app/sets/${id}`;
  expect((await postForm(alice, `${path}/features/add`, { revision: "1", draftEdition: "0", draftTab: TAB_A, feature: "FGR-CA0001" }, htmx)).status).toBe(200);
  const refused = await postForm(alice, `${path}/save`, { revision: "1", draftEdition: "0", draftTab: TAB_B, name: "Add elsewhere", "site-name-0": "Gangnam", note: "" });
  expect(refused.status).toBe(409);
  expect(await query(data.path, "SELECT revision FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 1 }]);
});
