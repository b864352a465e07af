// A set resolves against the catalog version it is pinned to. Here the set is pinned to a new
// version (written straight into the database, as an import would) that drops a feature the set
// chose and makes one feature list another as a conflict on one side only (a revision restored after
// an upgrade could be left so before revisions kept their version): both are shown and both block export.
import { expect, test } from "bun:test";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";
import { startFeatureApp } from "./instance";
import { api, createSet, getPage, postForm } from "./sets-client";

test("a feature the set's catalog version dropped and a one-sided conflict both block export, by name", async () => {
  using data = tempDir("5gfm-sets-catalog-");
  await using app = await startFeatureApp({ user: "alice", env: { FGM_DATA: data.path } });
  const { id } = await createSet(app, "Changing catalog", {
    features: ["FGR-ES0001", "FGR-MM0001", "FGR-NU0001"],
    values: { "FGR-NU0001": { channelAccessPriorityClass: 2 } },
    sites: [{ name: "Site", overrides: { "FGR-NU0001": { nruBand: "n96" } } }],
  });
  expect((await api(app, "GET", `/app/api/feature-sets/${id}`)).json.exportBlockers).toEqual([]);

  await query(data.path, "INSERT INTO catalog_versions (name, source, format, imported_by, feature_count, content_hash) VALUES ('v2', 'test', 'json', 'test', 87, 'test')");
  const [version] = await query(data.path, "SELECT max(id) AS id FROM catalog_versions");
  // Only FGR-MM0001 lists the conflict; FGR-ES0001 does not list it back.
  await query(
    data.path,
    `INSERT INTO catalog_features
       SELECT ?, feature_id, name, category, release, package, status, description, requires,
              CASE feature_id WHEN 'FGR-MM0001' THEN '["FGR-ES0001"]' ELSE conflicts END, parameters, search_text
       FROM catalog_features WHERE version_id = 1 AND feature_id <> 'FGR-NU0001'`,
    [Number(version!.id)],
  );
  await query(data.path, "UPDATE feature_sets SET catalog_version_id = ? WHERE id = ?", [Number(version!.id), id]);

  const set = (await api(app, "GET", `/app/api/feature-sets/${id}`)).json;
  expect(set.catalogVersion).toBe(Number(version!.id));
  expect(set.resolved.conflicts).toEqual([["FGR-ES0001", "FGR-MM0001"]]);
  expect(set.resolved.features.find((f: { id: string }) => f.id === "FGR-NU0001")).toMatchObject({ chosen: true, inCatalog: false });
  const exported = await api(app, "GET", `/app/api/feature-sets/${id}/export`);
  expect(exported.status).toBe(422);
  expect(exported.json.errors).toEqual([
    "FGR-NU0001 is no longer in the catalog.",
    "FGR-ES0001 (Symbol and Slot Power Amplifier Shutdown) conflicts with FGR-MM0001 (Massive MIMO with SSB Beam Sweeping).",
  ]);
  const page = (await getPage(app, `/app/sets/${id}`)).body;
  expect(page).toContain("no longer in the catalog");
  expect(page).toContain("FGR-ES0001 conflicts with FGR-MM0001");

  // The dropped feature stays in the set with its values, through the page's form and the API,
  // so nothing is lost; but no unknown feature can be newly added.
  const saved = await postForm(app, `/app/sets/${id}/save`, {
    revision: "1",
    name: "Kept",
    "site-name-0": "Site",
    "site-overrides-0": "FGR-NU0001.nruBand = n96",
  });
  expect(saved.status).toBe(303);
  expect((await api(app, "GET", `/app/api/feature-sets/${id}`)).json).toMatchObject({
    revision: 2,
    content: { values: { "FGR-NU0001": { channelAccessPriorityClass: 2 } }, sites: [{ name: "Site", overrides: { "FGR-NU0001": { nruBand: "n96" } } }] },
  });
  expect((await api(app, "PUT", `/app/api/feature-sets/${id}`, { revision: 2, name: "Kept again" })).status).toBe(200);
  const refused = await api(app, "PUT", `/app/api/feature-sets/${id}`, { revision: 3, content: { features: ["FGR-NU0001", "FGR-NU0009"] } });
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual([{ path: "content.features[1]", message: "The catalog has no feature FGR-NU0009." }]);
});
