// The feature set page in a real browser through the real gateway, under its CSP: create a set,
// find a feature with the search box and add it (its prerequisites come along), see a bad value
// refused as it is typed and the error go away when corrected, save a site, and see the charts.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser, editSetValueAndSite } from "../helpers/browser";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("the feature set page works in a browser", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;

  await page.goto(`${session.url}/app/sets`);
  await page.fill("#field-name", "Browser set");
  await page.click("#create-set button");
  await page.waitForURL(/\/app\/sets\/\d+$/);

  await page.fill("#set-search-q", "3CC");
  await page.locator('button[aria-label="Add FGR-CA0002"]').click();
  await page.waitForSelector("#set-feature-FGR-CA0001");
  expect(await page.locator("#set-feature-FGR-CA0001").textContent()).toContain("required by FGR-CA0002");

  const input = await editSetValueAndSite(page, 5000);
  await page.waitForSelector("text=Saved as revision 3.");
  expect(await input.inputValue()).toBe("-100");

  await page.waitForSelector('[data-set-chart="coverage"] canvas');
  await page.selectOption("#chart-parameter", "FGR-CA0001.scellActivationBufferThreshold");
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-set-chart="parameter"]')?.dataset.points === "1");
  expect(problems).toEqual([]);
});
