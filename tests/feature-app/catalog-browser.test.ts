// The catalog pages in a real browser through the real gateway: search as you type swaps only
// the results (htmx) and keeps the URL; the charts draw; a CSV with its own column names goes
// through upload, mapping and import with the progress bar — all without a console error.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser } from "../helpers/browser";
import { tempDir } from "../helpers/temp-dir";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)(
  "browse, chart and import the catalog in Chromium",
  async () => {
    await using session = await adminInBrowser();
    const { page, problems } = session;
    using files = tempDir();

    // Records the progress messages every page's live socket receives.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      const Native = WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener("message", (event) => {
            const message = typeof event.data === "string" && event.data.startsWith("{") ? JSON.parse(event.data) : {};
            if (message.type === "progress") seen.push(`${message.phase} ${message.done}/${message.total}`);
          });
        }
      };
    });
    await page.goto(`${session.url}/app/`);
    await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "connected");
    expect(await page.locator("#result-count").textContent()).toBe("1–50 of 88 features");
    const marker = await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      return 42;
    });
    await page.fill("#field-q", "slicing");
    await page.waitForFunction(() => !/of 88 features/.test(document.getElementById("result-count")?.textContent ?? ""));
    expect(await page.locator("#result-count").textContent()).toMatch(/^1–\d+ of \d+ features$/);
    expect(page.url()).toContain("q=slicing");
    // Still the same document: htmx swapped the results instead of loading a page.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    await page.click("#features tbody tr:first-child a");
    await page.waitForURL(/\/app\/features\//);
    expect(await page.locator("#dependencies h2").textContent()).toBe("Dependencies");

    await page.goto(`${session.url}/app/charts`);
    await page.waitForFunction(() => document.querySelectorAll("[data-bar-chart][data-points]").length === 2);
    expect(await page.locator("#per-release-table").count()).toBe(1);
    expect(await page.locator(".uplot").count()).toBe(2);

    const csv = `${files.path}/market.csv`;
    await Bun.write(csv, "Feature ID,Title,Group,Release train,State,Needs\nMK-1,Market base,Local,Rel-18,active,\nMK-2,Market plus,Local,Rel-18,trial,MK-1\n");
    await page.goto(`${session.url}/app/import`);
    await page.setInputFiles("#field-file", csv);
    await page.click("#upload-form button[type=submit]");
    await page.waitForURL(/\/app\/import\/[\w-]+$/);
    expect(await page.locator("#map-id").inputValue()).toBe("Feature ID");
    expect(await page.locator("#map-requires").inputValue()).toBe("Needs");
    expect(await page.locator("#not-ready").textContent()).toBe("Choose a column for every required field.");
    await page.selectOption("#map-release", "Release train");
    await page.waitForSelector("#import-button");
    // Two features replace the 88 of the demo catalog: the page says so and the import waits for the box.
    expect(await page.locator("#impact-current-summary").textContent()).toBe("The current catalog (version 1) has 88 features; this file has 2: 88 removed, 2 added, 0 changed.");
    await page.check("#impact-confirm");
    await page.click("#import-button");
    await page.waitForSelector("#import-done");
    expect(await page.locator("#import-done").textContent()).toContain("Imported as catalog version 2 with 2 features.");
    // The progress reached the page over its live socket (it may arrive after the result replaced the bar).
    await page.waitForFunction(() => (window as unknown as { progressSeen: string[] }).progressSeen.includes("write 2/2"));

    await page.goto(`${session.url}/app/`);
    expect(await page.locator("#result-count").textContent()).toBe("1–2 of 2 features");
    expect(problems).toEqual([]);
  },
);
