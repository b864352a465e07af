// Browsing the catalog in a real feature-app process: the search API and the page share one
// query schema; the feature page shows the whole prerequisite chain; versions and charts render.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningApp, startFeatureApp } from "./instance";

describe("catalog browsing", () => {
  let app: RunningApp;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers: { ...app.auth, ...headers } });
  const json = async (path: string) => (await get(path)).json();

  beforeAll(async () => {
    app = await startFeatureApp({ user: "alice" });
  });
  afterAll(async () => {
    await app[Symbol.asyncDispose]();
  });

  test("search matches every word anywhere in the feature, case-insensitively, and pages", async () => {
    const all = await json("/app/api/features?pageSize=1000");
    expect(all.total).toBe(88);
    expect(all.items.map((f: { id: string }) => f.id)).toEqual(all.items.map((f: { id: string }) => f.id).toSorted());

    const vonr = await json("/app/api/features?q=vonr");
    expect(vonr.total).toBeGreaterThan(0);
    for (const feature of vonr.items) expect(JSON.stringify(feature).toLowerCase()).toContain("vonr");
    const twoWords = await json("/app/api/features?q=CARRIER%20aggregation");
    expect(twoWords.total).toBeGreaterThan(0);
    expect(twoWords.total).toBeLessThan(88);

    // "%" and "_" are literal characters, not SQL wildcards.
    expect((await json("/app/api/features?q=%25")).total).toBe(0);
    expect((await json("/app/api/features?q=sib1")).total).toBeGreaterThan(0);
    expect((await json("/app/api/features?q=s_b1")).total).toBe(0);

    const page2 = await json("/app/api/features?pageSize=25&page=2");
    expect(page2.items.length).toBe(25);
    expect(page2.items[0].id).toBe(all.items[25].id);
    const last = await json("/app/api/features?pageSize=25&page=4");
    expect(last.items.length).toBe(88 - 75);
  });

  test("a page number past the end shows the last page", async () => {
    const page = await (await get("/app/?pageSize=25&page=999", { accept: "text/html" })).text();
    expect(page).toContain("76–88");
    expect(page).toContain("Page 4 of 4");
  });

  test("filters and sorting combine", async () => {
    const rel18 = await json("/app/api/features?release=Rel-18&pageSize=1000");
    expect(rel18.total).toBeGreaterThan(0);
    expect(rel18.items.every((f: { release: string }) => f.release === "Rel-18")).toBe(true);
    const active18 = await json("/app/api/features?release=Rel-18&status=active&pageSize=1000");
    expect(active18.items.every((f: { status: string; release: string }) => f.status === "active" && f.release === "Rel-18")).toBe(true);
    expect(active18.total).toBeLessThanOrEqual(rel18.total);
    const byName = await json("/app/api/features?sort=name&dir=desc&pageSize=1000");
    const names = byName.items.map((f: { name: string }) => f.name);
    expect(names).toEqual(names.toSorted().reverse());
  });

  test("a bad query gets a clear 400 from the API and the page alike", async () => {
    for (const [query, message] of [
      ["sort=colour", "sort must be one of id, name, category, release, status"],
      ["status=retired", "status must be one of planned, trial, active, deprecated"],
      ["page=0", "page must be at least 1"],
      ["pageSize=abc", "pageSize must be a whole number"],
      ["dir=up", "dir must be one of asc, desc"],
    ] as const) {
      const api = await get(`/app/api/features?${query}`);
      expect(`${query} ${api.status}`).toBe(`${query} 400`);
      expect((await api.json()).error).toBe(message);
      const page = await get(`/app/?${query}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain(message);
    }
    // The page speaks the reader's language; the API stays in English.
    const korean = await get("/app/?page=abc", { "accept-language": "ko" });
    expect(korean.status).toBe(400);
    expect(await korean.text()).toContain("page는 정수여야 합니다");
  });

  test("htmx gets only the results section; the page keeps the query in its links", async () => {
    const fragment = await (await get("/app/?q=slicing&sort=name", { "hx-request": "true" })).text();
    expect(fragment).toStartWith('<section id="results"');
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain('href="/app/?q=slicing&amp;sort=name&amp;dir=desc"');
    const page = await (await get("/app/?category=Network%20Slicing")).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<option value="Network Slicing" selected="">Network Slicing \(\d+\)<\/option>/);
  });

  test("a feature page shows its whole prerequisite chain, what needs it and its conflicts", async () => {
    const feature = await json("/app/api/features/FGR-VO0003");
    expect(feature.prerequisites.length).toBeGreaterThanOrEqual(3);
    const page = await (await get("/app/features/FGR-VO0003")).text();
    expect(page).toContain('<ul class="tree" id="requires-tree">');
    for (const id of feature.prerequisites) expect(page).toContain(`href="/app/features/${id}"`);
    expect(page).toContain('<ul id="conflicts"><li><a href="/app/features/FGR-VO0001">');
    const base = await json(`/app/api/features/${feature.prerequisites.at(-1)}`);
    expect(base.dependents).toContain("FGR-VO0003");

    const missing = await get("/app/features/NOPE-1");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("The current catalog has no feature NOPE-1.");
    const apiMissing = await get("/app/api/features/NOPE-1");
    expect(apiMissing.status).toBe(404);
  });

  test("versions, comparison and charts pages render; a bad comparison says why", async () => {
    const versions = await (await get("/app/versions")).text();
    expect(versions).toContain('<tr id="version-1">');
    expect(versions).toContain("Demo 5G NR gNB feature catalog");
    const same = await (await get("/app/versions/compare?from=1&to=1")).text();
    expect(same).toContain("0 added, 0 removed, 0 changed, 88 unchanged.");
    const bad = await get("/app/versions/compare?from=1&to=99");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Choose two existing catalog versions to compare.");
    const charts = await (await get("/app/charts")).text();
    expect(charts).toContain('data-labels="[&quot;Rel-15&quot;,&quot;Rel-16&quot;,&quot;Rel-17&quot;,&quot;Rel-18&quot;]"');
    expect(charts).toContain('data-values="[40,21,14,13]"');
    expect(charts).toMatch(/<script src="\/static\/uPlot\.iife\.min\.js(\?[^"]*)?" defer=""><\/script>/);
  });

  test("in Korean, the catalog, import, versions and charts pages have no English left from the app's own texts", async () => {
    for (const path of ["/app/", "/app/import", "/app/versions", "/app/charts", "/app/features/FGR-VO0003"]) {
      const page = await (await get(path, { "accept-language": "ko" })).text();
      expect(page).toContain('<html lang="ko">');
      // Texts of the app's own (not data from the catalog) that would show if a key fell back to English.
      for (const english of ["Feature catalog", "Search", "Per page", "Import a catalog", "Catalog versions", "Features per release", "Requires", "Sign out"]) {
        expect(`${path}: ${page.includes(`>${english}<`)}`).toBe(`${path}: false`);
      }
    }
  });
});
