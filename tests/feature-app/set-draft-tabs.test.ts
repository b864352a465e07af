// One set open in two tabs of its owner. The editor posts its whole form with every change, so
// without a check a tab that has not seen the other's edits would put back its own sites and name
// over them. Each page posts the draft edition it shows: a stale one is refused and shown what the
// draft now holds, a stale save saves nothing, and the same page's edit racing its own save is no conflict.
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
  const edited = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "0", name: "Two tabs", "site-name-0": "Gangnam", "site-name-1": "Seocho" }, htmx);
  expect(edited.status).toBe(200);
  expect(shownEdition(edited.body)).toBe(1);
  expect(edited.body).toContain('id="set-draft-edition" value="1" hx-swap-oob="true"');
  const second = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "1", name: "Two tabs", "site-name-0": "Gangnam", "site-name-1": "Seocho", "site-name-2": "Jamsil" }, htmx);
  expect(shownEdition(second.body)).toBe(2);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });

  // Tab B still shows one site, and renames the set: refused, and shown the draft as tab A left it.
  const stale = await postForm(alice, `${path}/draft`, { revision: "1", draftEdition: "0", name: "Renamed in B", "site-name-0": "Gangnam" }, htmx);
  expect(stale.status).toBe(409);
  expect(stale.body).toContain("Your last change was not kept: this draft had been changed in another tab or window.");
  expect(stale.body).toContain('value="Jamsil"');
  expect(shownEdition(stale.body)).toBe(2);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });
  const korean = await postForm(alice, `${path}/draft?lang=ko`, { revision: "1", draftEdition: "1", name: "B", "site-name-0": "Gangnam" }, htmx);
  expect(korean.body).toContain("마지막 변경은 반영되지 않았습니다.");

  // Tab B's Save from its stale page saves nothing and keeps the draft; the form shows what B typed.
  const staleSave = await postForm(alice, `${path}/save`, { revision: "1", draftEdition: "0", name: "Renamed in B", "site-name-0": "Gangnam", note: "" });
  expect(staleSave.status).toBe(409);
  expect(staleSave.body).toContain("Nothing was saved: this draft had been changed in another tab or window.");
  expect(staleSave.body).toContain('value="Renamed in B"');
  expect(await query(data.path, "SELECT revision FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 1 }]);
  expect(await storedDraft(id)).toEqual({ name: "Two tabs", sites: ["Gangnam", "Seocho", "Jamsil"], edition: 2 });
  // Having been told, saving again from that page keeps exactly what it shows.
  expect(shownEdition(staleSave.body)).toBe(2);
  const deliberate = await postForm(alice, `${path}/save`, { revision: "1", draftEdition: "2", name: "Renamed in B", "site-name-0": "Gangnam", note: "" });
  expect(deliberate.status).toBe(303);
  expect(await query(data.path, "SELECT revision, name FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 2, name: "Renamed in B" }]);
  expect(await storedDraft(id)).toBeUndefined();
});

test("a page's own edit that lands just before its Save (the field's change fires as Save is pressed) is no conflict", async () => {
  const { id } = await createSet(alice, "One tab", { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] });
  const path = `/app/sets/${id}`;
  const form = { revision: "1", name: "One tab", "site-name-0": "Gangnam", "site-name-1": "Mapo" };
  expect((await postForm(alice, `${path}/draft`, { ...form, draftEdition: "0" }, htmx)).status).toBe(200);
  // The save was sent before the edit's answer came back, so it still says edition 0.
  const saved = await postForm(alice, `${path}/save`, { ...form, draftEdition: "0", note: "Mapo added" });
  expect(saved.status).toBe(303);
  expect(await query(data.path, "SELECT revision FROM feature_sets WHERE id = ?", [id])).toEqual([{ revision: 2 }]);
  // That edit's twin arriving after the save (from the page of revision 1) starts no draft.
  expect((await postForm(alice, `${path}/draft`, { ...form, draftEdition: "1" }, htmx)).status).toBe(409);
  expect(await storedDraft(id)).toBeUndefined();
});
