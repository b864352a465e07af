// Every chart has its figures as a table or text, in both languages: the feature set page's two
// charts (coverage per category, a parameter across sites) and the catalog's charts.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser, createSetFromPage } from "../helpers/browser";

const skip = !CHROMIUM || process.env.FGM_TEST_BINARY !== undefined;

test.skipIf(skip)("the set page's and the catalog's charts come with their figures as tables", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  await page.goto(`${session.url}/app/sets`);
  const id = await createSetFromPage(page, { name: "Busan", content: { features: ["FGR-CA0002"], values: {}, sites: [{ name: "Haeundae", overrides: {} }] } });
  for (const [lang, category] of [
    ["en", "Category"],
    ["ko", "분류"],
  ] as const) {
    await page.goto(`${session.url}/app/sets/${id}?lang=${lang}`);
    await page.waitForSelector('[data-set-chart="coverage"] + details.chart-table table', { state: "attached" });
    const coverage = await page.evaluate(() => {
      const table = document.querySelector('[data-set-chart="coverage"] + details table')!;
      return { head: [...table.querySelectorAll("thead th")].map((th) => th.textContent), rows: [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((c) => c.textContent)) };
    });
    expect(coverage.head[0]).toBe(category);
    expect(coverage.head).toHaveLength(3);
    expect(coverage.rows.find((row) => row[0] === "Carrier Aggregation")).toEqual(["Carrier Aggregation", "8", expect.stringMatching(/^[1-9]/)]);
    await page.selectOption("#chart-parameter", "FGR-CA0001.scellActivationBufferThreshold");
    await page.waitForSelector('[data-set-chart="parameter"] + details.chart-table table', { state: "attached" });
    const parameter = await page.evaluate(() => [...document.querySelectorAll('[data-set-chart="parameter"] + details tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)));
    // The site's value, then the catalog default the chart draws as a reference line.
    expect(parameter).toEqual([["Haeundae", expect.stringMatching(/^\d/), expect.stringMatching(/^\d/)]]);

    await page.goto(`${session.url}/app/charts?lang=${lang}`);
    for (const table of ["#per-release-table", "#per-category-table"]) expect(await page.locator(`${table} tr`).count()).toBeGreaterThan(0);
  }
  expect(problems).toEqual([]);
});
