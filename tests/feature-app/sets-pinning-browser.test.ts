// In Chromium through the gateway: a set built on catalog version 1 shows "built on version 1;
// version 2 is current" after a new version drops one of its features, the link leads to what the
// upgrade changes, and the owner's button (a form post the gateway checks for same origin) applies
// it as a new revision, after which the banner is gone.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser, createSetFromPage } from "../helpers/browser";
import { query } from "../helpers/database";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("a pinned set's banner and upgrade, in Chromium", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  await page.goto(`${session.url}/app/sets`);
  const id = await createSetFromPage(page, { name: "Seoul", content: { features: ["FGR-ES0001", "FGR-NU0001"] } });
  // Version 2, as an import writes it, without FGR-NU0001.
  await query(session.dataDir, "INSERT INTO catalog_versions (name, source, format, imported_by, feature_count, content_hash) VALUES ('v2', 'test', 'json', 'test', 0, 'test')");
  await query(
    session.dataDir,
    `INSERT INTO catalog_features SELECT 2, feature_id, name, category, release, package, status, description, requires, conflicts, parameters, search_text
     FROM catalog_features WHERE version_id = 1 AND feature_id <> 'FGR-NU0001'`,
  );

  await page.goto(`${session.url}/app/sets/${id}`);
  expect(await page.locator("#set-pin").textContent()).toContain("Built on catalog version 1; version 2 is current.");
  await page.click("#set-pin a");
  await page.waitForURL(/\/upgrade$/);
  expect(await page.locator("#upgrade-dropped").textContent()).toContain("FGR-NU0001");
  await page.click("text=Upgrade to this version");
  await page.waitForURL(/\?saved$/);
  expect(await page.locator("body").textContent()).toContain("Saved as revision 2.");
  expect(await page.locator("#set-pin").count()).toBe(0);
  expect(await page.locator("#set-feature-FGR-NU0001").count()).toBe(0);
  expect(await page.locator("#set-feature-FGR-ES0001").count()).toBe(1);
  expect(problems).toEqual([]);
});
