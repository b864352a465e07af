// The Settings tab in a real browser: a bad value is marked beside its field and a good one is
// saved, both through htmx without a page reload, with no console error under the CSP.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser } from "../helpers/browser";
import { query } from "../helpers/database";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("settings are checked and saved in place, without a reload", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  await page.goto(`${session.url}/admin/settings`);
  expect(await page.locator("#setting-port").isDisabled()).toBe(true);
  // Survives only as long as the page is not reloaded.
  await page.evaluate(() => Object.assign(window, { notReloaded: true }));

  await page.fill("#setting-maxInstances", "many");
  await page.fill("#setting-sessionIdleMinutes", "45");
  await page.click("#settings form button[type=submit]:text('Save settings')");
  await page.waitForSelector("#setting-maxInstances-error");
  expect(await page.textContent("#setting-maxInstances-error")).toBe("An integer from 1 to 1000.");
  expect(await page.getAttribute("#setting-maxInstances", "aria-invalid")).toBe("true");
  expect(await query(session.dataDir, "SELECT key FROM settings")).toEqual([]);

  await page.fill("#setting-maxInstances", "5");
  await page.press("#setting-maxInstances", "Enter"); // Enter saves (it is not taken by a Reset button)
  await page.waitForSelector("#settings [role=status]");
  expect(await page.textContent("#settings [role=status]")).toBe("Saved: Session idle timeout (minutes), Most feature apps running at once.");
  expect(await page.inputValue("#setting-maxInstances")).toBe("5");
  expect(await page.locator("#setting-maxInstances-error").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expect(await query(session.dataDir, "SELECT key, value FROM settings ORDER BY key")).toEqual([
    { key: "maxInstances", value: '"5"' },
    { key: "sessionIdleMinutes", value: '"45"' },
  ]);

  // Reset, from its own button beside the field, also in place.
  await page.click("#setting-maxInstances-field button:text('Reset')");
  await page.waitForFunction(() => (document.getElementById("setting-maxInstances") as HTMLInputElement | null)?.value === "50");
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expect(problems).toEqual([]);
});
