// A set larger than one page: the page shows 100 features (and their value inputs) at a time with a
// filter, and a save made from one page keeps the values of the features on the others.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { catalogToCsv } from "../../feature-app/catalog/catalog-file";
import type { Feature } from "../../feature-app/catalog/feature-schema";
import { runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { api, createSet, getPage, postForm } from "./sets-client";

let app: RunningApp;
const data = tempDir();
const id = (i: number) => `GEN-${String(i).padStart(5, "0")}`;

beforeAll(async () => {
  // Only catalog editors import: alice is one.
  const added = await runCli(["user", "add", "alice", "--role", "user", "--catalog-editor", "--ip", "127.0.0.2", "--data", data.path]);
  if (added.code !== 0) throw new Error(added.stderr);
  app = await startFeatureApp({ user: "alice", env: { FGM_DATA: data.path } });
  const features: Feature[] = Array.from({ length: 250 }, (_, i) => ({
    id: id(i),
    name: `Generated feature ${i}`,
    category: `Category ${i % 5}`,
    release: "Rel-17",
    package: "SW 24A",
    status: "active",
    description: "",
    requires: [],
    conflicts: [],
    parameters: [{ name: "level", type: "int", min: 0, max: 100, default: 50, unit: "dB", description: "" }],
  }));
  const body = new FormData();
  body.append("file", new File([catalogToCsv(features)], "generated.csv", { type: "text/csv" }));
  const imported = await fetch(`${app.url}/app/api/catalog/import?confirm=true`, { method: "POST", headers: app.auth, body });
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
});
afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  data[Symbol.dispose]();
});

const rows = (page: string) => [...page.matchAll(/<tr id="set-feature-([^"]+)">/g)].map((m) => m[1]);
const inputs = (page: string) => [...page.matchAll(/<input id="field-value:([^:]+):level"/g)].map((m) => m[1]);

test("a 250-feature set's page shows 100 features and their inputs a page at a time, with a filter; a save from one page keeps the others' values", async () => {
  const all = Array.from({ length: 250 }, (_, i) => id(i));
  const { id: setId } = await createSet(app, "Large", { features: all, values: { [id(3)]: { level: 70 } } });
  const first = (await getPage(app, `/app/sets/${setId}`)).body;
  expect(rows(first)).toEqual(all.slice(0, 100));
  expect(inputs(first)).toEqual(all.slice(0, 100));
  expect(first).toContain("Page 1 of 3 (250 features)");
  const third = (await getPage(app, `/app/sets/${setId}?page=3`)).body;
  expect(rows(third)).toEqual(all.slice(200));
  expect(third).toContain("Page 3 of 3 (250 features)");
  // Out of range goes to the nearest page; a filter matches ids and names.
  expect(rows((await getPage(app, `/app/sets/${setId}?page=99`)).body)).toEqual(all.slice(200));
  expect(rows((await getPage(app, `/app/sets/${setId}?filter=feature%2024`)).body)).toEqual([id(24), ...all.slice(240, 250)]);

  // Saved from page 3 with one of its values changed: GEN-00003 (page 1) keeps its 70.
  const saved = await postForm(app, `/app/sets/${setId}/save`, { revision: "1", name: "Large", [`value:${id(210)}:level`]: "20", note: "page 3" });
  expect(saved.status).toBe(303);
  const set = (await api(app, "GET", `/app/api/feature-sets/${setId}`)).json;
  expect(set.revision).toBe(2);
  expect(set.content.values).toEqual({ [id(3)]: { level: 70 }, [id(210)]: { level: 20 } });
});
