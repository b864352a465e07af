// The catalog editor's way through the pages in Chromium: a Korean Excel CSV (CP949) is uploaded,
// maps itself, says how it was read, says it replaces the 88-feature catalog with its 6 (the removed
// ones listed) and what it drops from a feature set, imports only with the box ticked; then the
// Versions page makes the first version current again, which removes those 6 and needs the box too.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { CHROMIUM, adminInBrowser } from "../helpers/browser";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)(
  "import a Korean CSV with its impact confirmed, then undo it from the Versions page, in Chromium",
  async () => {
    await using session = await adminInBrowser();
    const { page, problems } = session;
    await page.goto(`${session.url}/app/`);
    const created = await page.evaluate(async () => {
      const response = await fetch("/app/api/feature-sets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Seoul", content: { features: ["FGR-CA0001"] } }),
      });
      return response.status;
    });
    expect(created).toBe(201);

    await page.goto(`${session.url}/app/import`);
    await page.setInputFiles("#field-file", join(import.meta.dir, "fixtures", "korean-cp949.csv"));
    await page.click("#upload-form button[type=submit]");
    await page.waitForURL(/\/app\/import\/[\w-]+$/);
    expect(await page.locator("#file-encoding").textContent()).toBe("Read as CP949 text.");
    expect(await page.locator("#map-id").inputValue()).toBe("기능 ID");
    expect(await page.locator("label[for=map-requires]").textContent()).toBe("Requires requires");
    expect(await page.locator("#status-words").textContent()).toContain("상용 → active (1)");
    expect(await page.locator("#impact-current-summary").textContent()).toBe("The current catalog (version 1) has 88 features; this file has 6: 88 removed, 6 added, 0 changed.");
    // The removed features are folded away until asked for.
    expect(await page.locator("#impact-removed li").first().isVisible()).toBe(false);
    await page.click("#impact-removed summary");
    expect(await page.locator("#impact-removed li").count()).toBe(88);
    expect(await page.locator("#impact-removed li").first().isVisible()).toBe(true);
    expect(await page.locator("label.confirm").textContent()).toContain("Remove these 88 features from the current catalog and change these feature sets");
    expect(await page.locator("#impact-summary").textContent()).toStartWith("Drops ");
    expect(await page.locator("#impact-sets").textContent()).toContain("Seoul");
    // The box is required: the import waits for it.
    await page.click("#import-button");
    expect(await page.locator("#import-done").count()).toBe(0);
    await page.check("#impact-confirm");
    await page.click("#import-button");
    await page.waitForSelector("#import-done");
    expect(await page.locator("#import-done").textContent()).toContain("Imported as catalog version 2 with 6 features.");

    await page.goto(`${session.url}/app/versions`);
    await page.click("#make-current-1");
    await page.waitForURL(/\/app\/versions\/1\/make-current$/);
    expect(await page.locator("#impact-current-summary").textContent()).toBe("The current catalog (version 2) has 6 features; version 1 has 88: 6 removed, 88 added, 0 changed.");
    await page.click("#make-current-button");
    expect(await page.locator("#versions-notice").count()).toBe(0);
    await page.check("#impact-confirm");
    await page.click("#make-current-button");
    await page.waitForSelector("#versions-notice");
    expect(await page.locator("#versions-notice").textContent()).toBe("Version 3 is now current, with the content of version 1.");
    expect(await page.locator("#versions tbody tr").count()).toBe(3);
    expect(problems).toEqual([]);
  },
);
