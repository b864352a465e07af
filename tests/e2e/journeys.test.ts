// A newcomer's journeys in headless Chromium against the real built executable, each person on
// their own loopback address: first run, an admin letting people in, a user working with the
// catalog, coming back later, the admin watching and stopping an instance, and all of it in
// Korean. Any browser console error fails the run; a failing step saves a screenshot.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { catalogToCsv } from "../../feature-app/catalog/catalog-file";
import { demoCatalog } from "../../feature-app/catalog/demo-catalog";
import { APP_CATALOG } from "../../feature-app/messages";
import { CATALOG } from "../../src/i18n/messages";
import { CHROMIUM, editSetValueAndSite, launchBrowser } from "../helpers/browser";
import { type RunningServe, REPO, runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { type Person, builtExecutable, personAt, step } from "./harness";

/** Set FGM_UPDATE_SCREENSHOTS=1 to refresh the README's screenshots from these journeys. */
const README_SHOTS = process.env.FGM_UPDATE_SCREENSHOTS === "1" ? join(REPO, "docs", "screenshots") : undefined;

async function screenshot(page: Page, name: string) {
  if (!README_SHOTS) return;
  mkdirSync(README_SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(README_SHOTS, `${name}.png`) });
}

/**
 * English texts of our own that a Korean page must not show: every English message whose Korean
 * differs, cut at its placeholders, keeping fragments long enough not to be a coincidence.
 */
const ENGLISH_FRAGMENTS = [...new Set([CATALOG, APP_CATALOG].flatMap((catalog) =>
  Object.entries(catalog.en as Record<string, string>)
    .filter(([key, text]) => (catalog.ko as Record<string, string>)[key] !== text)
    .flatMap(([, text]) => text.split(/\{\w+\}/))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 8 && /[a-z]{3}/.test(fragment)),
))];

async function englishLeftOn(page: Page): Promise<string[]> {
  // Log lines (<pre>) are the server's own records, not page text.
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const pre of body.querySelectorAll("pre")) pre.remove();
    return body.textContent ?? "";
  });
  return ENGLISH_FRAGMENTS.filter((fragment) => text.includes(fragment));
}

/**
 * What an engineer would import: the demo catalog as exported, with their own column names,
 * plus two market-specific features.
 */
function marketCsv(): string {
  const [header = "", ...rows] = catalogToCsv(demoCatalog().features).split("\r\n");
  const renamed = header.replace("id,name,category,release,package,status", "Feature ID,Title,Group,Release train,package,State").replace("requires", "Needs");
  return [renamed, ...rows, "MK-1,Market base,Local,Rel-18,,active,,,,", "MK-2,Market plus,Local,Rel-18,,trial,,MK-1,,"].join("\n");
}

describe.skipIf(!CHROMIUM)("a newcomer's journeys in Chromium, against the built executable", () => {
  using dir = tempDir("5gfm-e2e-");
  using files = tempDir("5gfm-e2e-files-");
  let gateway: RunningServe;
  let browser: Browser;
  const people: Person[] = [];
  const person = async (name: string, address: string, locale?: string) => {
    const created = await personAt(browser, name, address, gateway.port, locale);
    people.push(created);
    return created;
  };
  let admin: Person;
  let kim: Person;

  beforeAll(async () => {
    const executable = await builtExecutable();
    gateway = await startServe(dir.path, ["--spare-instances", "1"], {}, "http", [executable]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const someone of people) await someone.close().catch(() => undefined);
    await browser?.close();
    await gateway?.stop();
    expect(people.flatMap((someone) => someone.problems)).toEqual([]);
  });

  test("1. first run: the server machine creates the admin; a remote visitor meanwhile sees 'not set up yet'", async () => {
    const visitor = await person("visitor", "127.0.0.9");
    await step(visitor, "not set up yet", async () => {
      await visitor.page.goto(`${visitor.url}/`);
      expect(await visitor.page.locator("h1").textContent()).toBe("Not set up yet");
    });
    admin = await person("admin", "127.0.0.1");
    await step(admin, "setup", async () => {
      await admin.page.goto(`${admin.url}/`);
      await admin.page.waitForURL(/\/setup$/);
      await admin.page.fill("#field-name", "admin");
      await admin.page.fill("#field-displayName", "Site Admin");
      await admin.page.fill("#field-password", "correct horse battery");
      await admin.page.fill("#field-passwordAgain", "correct horse battery");
      await admin.page.click("#setup button[type=submit]");
      await admin.page.waitForURL(/\/admin$/);
      expect(await admin.page.locator("#signed-in-as").textContent()).toContain("Site Admin");
    });
  });

  test("2. the admin adds a user with an IP rule and approves a second person's access request (6. the denied page)", async () => {
    await step(admin, "add user", async () => {
      await admin.page.goto(`${admin.url}/admin/access`);
      await admin.page.click("details.add-user summary");
      await admin.page.fill("details.add-user #field-name", "kim");
      await admin.page.fill("details.add-user #field-displayName", "Kim Minji");
      await admin.page.fill("details.add-user #field-addresses", "127.0.0.2");
      await admin.page.click("details.add-user button[type=submit]");
      await admin.page.waitForSelector("#users >> text=kim");
    });
    // Only catalog editors import (the console's checkbox is tested in tests/gateway); the command line works while it runs.
    const editor = await runCli(["user", "set", "kim", "--catalog-editor", "--data", dir.path]);
    expect(editor.stderr).toBe("");
    const lee = await person("lee", "127.0.0.4");
    await step(lee, "denied and request", async () => {
      await lee.page.goto(`${lee.url}/`);
      expect(await lee.page.locator("#client-address").textContent()).toBe("127.0.0.4");
      await lee.page.fill("#field-name", "Lee Jun");
      await lee.page.fill("#field-reason", "RAN planning, Busan");
      await lee.page.click("#access-request button[type=submit]");
      await lee.page.waitForSelector("#request-sent");
    });
    await step(admin, "approve", async () => {
      await admin.page.goto(`${admin.url}/admin/access`);
      const row = admin.page.locator("#access-requests tr", { hasText: "Lee Jun" });
      await row.locator("button", { hasText: "Approve" }).click();
      await admin.page.waitForSelector("#users >> text=127.0.0.4");
    });
    await step(lee, "let in", async () => {
      await lee.page.goto(`${lee.url}/`);
      await lee.page.waitForURL(/\/app\/$/);
    });
  });

  test("3. a user lands in their feature app, browses and searches the catalog, imports a CSV through the column mapping, builds a feature set, exports it, sees the charts", async () => {
    kim = await person("kim", "127.0.0.2");
    const { page } = kim;
    await step(kim, "lands in the app", async () => {
      await page.goto(`${kim.url}/`);
      await page.waitForURL(/\/app\/$/);
      await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "connected");
      expect(await page.locator("#result-count").textContent()).toBe("1–50 of 88 features");
      await screenshot(page, "feature-app-catalog");
    });
    await step(kim, "search and open a feature", async () => {
      await page.fill("#field-q", "carrier aggregation");
      await page.waitForFunction(() => !/of 88 features/.test(document.getElementById("result-count")?.textContent ?? ""));
      await page.selectOption("#field-release", "Rel-16");
      await page.waitForURL(/release=Rel-16/);
      await page.locator("#features tbody a").first().click();
      await page.waitForURL(/\/app\/features\//);
      expect(await page.locator("#dependencies").isVisible()).toBe(true);
    });
    await step(kim, "import", async () => {
      const csv = join(files.path, "market.csv");
      await Bun.write(csv, marketCsv());
      await page.click("nav.sections >> text=Import");
      await page.setInputFiles("#field-file", csv);
      await page.click("#upload-form button[type=submit]");
      await page.waitForURL(/\/app\/import\/[\w-]+$/);
      await page.selectOption("#map-release", "Release train");
      await page.click("#import-button");
      await page.waitForSelector("#import-done");
      await page.click("#import-done >> text=Compare with the previous version");
      await page.waitForSelector("#comparison-summary");
      expect(await page.locator("#comparison-summary").textContent()).toBe("2 added, 0 removed, 0 changed, 88 unchanged.");
    });
    await step(kim, "build a feature set", async () => {
      await page.click("nav.sections >> text=Feature sets");
      await page.fill("#field-name", "Seoul market");
      await page.click("#create-set button");
      await page.waitForURL(/\/app\/sets\/\d+$/);
      // Several features in one go: two ticked in the results of one search, one pasted; no reload.
      await page.fill("#set-search-q", "DSS");
      await page.locator('input[aria-label="Add FGR-DS0001"]').check();
      await page.fill("#set-search-q", "3CC");
      await page.locator('input[aria-label="Add FGR-CA0002"]').check();
      await page.fill("#set-add-ids", "FGR-DS0002");
      await page.click("#set-add-button");
      await page.waitForSelector("#set-feature-FGR-DS0002");
      expect(await page.locator("#set-feature-FGR-CA0001").textContent()).toContain("required by FGR-CA0002");
      expect(await page.locator("#set-add-messages").textContent()).toContain("FGR-DS0002 (Semi-static LTE-NR Spectrum Split (MBSFN-based)) is deprecated in the catalog.");
      expect(await page.locator("#set-conflicts").textContent()).toContain("FGR-DS0001");
      expect(await page.locator("#set-draft").textContent()).toContain("Unsaved draft");
      await page.locator("#set-feature-FGR-DS0002 button").click();
      await page.waitForSelector("#set-feature-FGR-DS0002", { state: "detached" });
      expect(await page.locator("#set-conflicts").count()).toBe(0);
    });
    await step(kim, "edit parameters with inline validation and a site, save once with a note", async () => {
      await page.fill("#field-note", "Seoul: CA and DSS");
      const input = await editSetValueAndSite(page);
      await page.waitForSelector("text=Saved as revision 2.");
      expect(await input.inputValue()).toBe("-100");
      expect(await page.locator("#revisions tbody tr").count()).toBe(2);
      expect(await page.locator("#revisions").textContent()).toContain("Seoul: CA and DSS");
    });
    await step(kim, "export JSON and a zip, keep one", async () => {
      const downloaded = async (link: string, name: RegExp) => {
        const download = page.waitForEvent("download");
        await page.click(link);
        const file = await download;
        expect(file.suggestedFilename()).toMatch(name);
        expect((await Bun.file((await file.path()) ?? "").arrayBuffer()).byteLength).toBeGreaterThan(100);
      };
      await downloaded("#set-export a >> nth=0", /\.json$/);
      await downloaded("#set-export a[href$='sites=all']", /\.zip$/);
      // Keeping one brings the page back with it listed and its file offered; no reload needed.
      await page.click('#set-export button[aria-label^="Generate and keep: The whole set"]');
      await page.waitForURL(/\?kept=\d+$/);
      expect(await page.locator("#kept-export").textContent()).toContain("the whole set, from revision 2.");
      expect(await page.locator("#generations tbody tr.kept").count()).toBe(1);
      await downloaded("#kept-export-download", /-r2\.json$/);
      await page.waitForSelector('[data-set-chart="coverage"] canvas');
      await screenshot(page, "feature-app-set");
    });
    await step(kim, "charts", async () => {
      await page.click("nav.sections >> text=Charts");
      await page.waitForFunction(() => document.querySelectorAll("[data-bar-chart][data-points]").length === 2);
      await screenshot(page, "feature-app-charts");
    });
  });

  test("4. the user closes the browser and comes back: their work is still there", async () => {
    await kim.reopen();
    await step(kim, "comes back", async () => {
      await kim.page.goto(`${kim.url}/`);
      await kim.page.waitForURL(/\/app\/$/);
      expect(await kim.page.locator("#result-count").textContent()).toBe("1–50 of 90 features");
      await kim.page.goto(`${kim.url}/app/versions`);
      expect(await kim.page.locator("#versions tbody tr").count()).toBe(2);
      await kim.page.goto(`${kim.url}/app/sets`);
      await kim.page.click("text=Seoul market");
      expect(await kim.page.locator('[id="field-value:FGR-CA0001:scellAdditionA4ThresholdRsrp"]').inputValue()).toBe("-100");
      expect(await kim.page.locator("#field-site-name-0").inputValue()).toBe("Gangnam");
    });
    await step(kim, "a small laptop screen", async () => {
      // 1024 px wide: nothing may stick out sideways (wide tables scroll inside their own box).
      await kim.page.setViewportSize({ width: 1024, height: 700 });
      for (const path of ["/app/", "/app/features/FGR-CA0002", "/app/import", "/app/versions", "/app/charts", "/app/sets", "/app/sets/1"]) {
        await kim.page.goto(`${kim.url}${path}`);
        const overflow = await kim.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(`${path}: ${overflow}`).toBe(`${path}: 0`);
      }
      await kim.page.setViewportSize({ width: 1366, height: 800 });
    });
  });

  test("5. the admin watches the dashboard, sees the visit in the statistics, stops the user's instance; the user's page says so and recovers on reload", async () => {
    const { page } = admin;
    await step(admin, "dashboard", async () => {
      await page.goto(`${admin.url}/admin`);
      await page.waitForSelector("#instances >> text=kim");
      const before = await page.locator("[data-chart=live]").first().getAttribute("data-points");
      await page.waitForFunction((was) => document.querySelector("[data-chart=live]")?.getAttribute("data-updated") !== null && document.querySelector("[data-chart=live]")?.getAttribute("data-points") !== was, before, { timeout: 30_000 });
      await screenshot(page, "admin-dashboard");
    });
    await step(admin, "statistics", async () => {
      await page.goto(`${admin.url}/admin/statistics`);
      expect(await page.locator("main").textContent()).toContain("kim");
      await screenshot(page, "admin-statistics");
    });
    await kim.page.goto(`${kim.url}/app/`);
    await kim.page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "connected");
    await step(admin, "stop kim's instance", async () => {
      await page.goto(`${admin.url}/admin`);
      const row = page.locator("#instances tr", { hasText: "kim" });
      // Stop asks first, naming whose app it is; the admin confirms.
      const asked: string[] = [];
      page.once("dialog", (dialog) => {
        asked.push(dialog.message());
        void dialog.accept();
      });
      await row.locator("button", { hasText: "Stop" }).click();
      expect(asked[0]).toStartWith("Stop kim's feature app?");
      await page.waitForSelector("#instances tr:has-text('kim') >> text=stopped", { timeout: 15_000 }).catch(async () => {
        expect(await page.locator("#instances").textContent()).not.toContain("running");
      });
    });
    await step(kim, "page says so, recovers on reload", async () => {
      await kim.page.waitForFunction(() => /reconnecting/.test(document.getElementById("connection-status")?.textContent ?? ""), undefined, { timeout: 15_000 });
      await kim.page.reload();
      await kim.page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "connected", undefined, { timeout: 30_000 });
    });
  });

  test("7. in Korean, the pages walked show no English of ours, and the language switch works", async () => {
    const park = await person("park", "127.0.0.5", "ko-KR");
    await step(admin, "add park", async () => {
      await admin.page.goto(`${admin.url}/admin/access`);
      await admin.page.click("details.add-user summary");
      await admin.page.fill("details.add-user #field-name", "park");
      await admin.page.fill("details.add-user #field-addresses", "127.0.0.5");
      await admin.page.click("details.add-user button[type=submit]");
      await admin.page.waitForSelector("#users >> text=park");
    });
    await step(park, "korean pages", async () => {
      for (const path of ["/app/", "/app/features/MK-2", "/app/import", "/app/versions", "/app/charts", "/app/sets", "/app/sets/1"]) {
        await park.page.goto(`${park.url}${path}`);
        expect(await park.page.locator("html").getAttribute("lang")).toBe("ko");
        expect(`${path}: ${(await englishLeftOn(park.page)).join(" | ")}`).toBe(`${path}: `);
      }
    });
    await step(park, "korean set editor: several features at once, a draft, one save with a note", async () => {
      const page = park.page;
      await page.goto(`${park.url}/app/sets`);
      await page.fill("#field-name", "부산 시장");
      await page.click("#create-set button");
      await page.waitForURL(/\/app\/sets\/\d+$/);
      await page.fill("#set-add-ids", "FGR-CA0002\nFGR-MO0007");
      await page.click("#set-add-button");
      await page.waitForSelector("#set-feature-FGR-MO0007");
      expect(await page.locator("#set-draft").textContent()).toContain("저장하지 않은 초안");
      expect(await page.locator("#set-add-messages").textContent()).toContain("Blind Redirection to LTE(FGR-MO0007) 기능은 카탈로그에서 '지원 중단' 상태입니다.");
      expect(`set editor: ${(await englishLeftOn(page)).join(" | ")}`).toBe("set editor: ");
      await page.fill("#field-note", "부산 1차 구성");
      await page.click("#set-save");
      await page.waitForSelector("text=리비전 2로 저장했습니다.");
      expect(await page.locator("#revisions").textContent()).toContain("부산 1차 구성");
      expect(await page.locator("#set-draft").textContent()).toBe("");
      expect(`saved set: ${(await englishLeftOn(page)).join(" | ")}`).toBe("saved set: ");
    });
    await step(park, "language switch", async () => {
      await park.page.goto(`${park.url}/app/charts`);
      await park.page.click(".lang-switch >> text=English");
      expect(await park.page.locator("h1").textContent()).toBe("Catalog charts");
      await park.page.click(".lang-switch >> text=한국어");
      expect(await park.page.locator("h1").textContent()).toBe("카탈로그 차트");
    });
    const koreanAdmin = await person("admin-ko", "127.0.0.1", "ko-KR");
    await step(koreanAdmin, "korean console", async () => {
      await koreanAdmin.page.goto(`${koreanAdmin.url}/admin`);
      await koreanAdmin.page.waitForURL(/\/login/);
      await koreanAdmin.page.fill("#field-name", "admin");
      await koreanAdmin.page.fill("#field-password", "correct horse battery");
      await koreanAdmin.page.click("#login button[type=submit]");
      await koreanAdmin.page.waitForURL(/\/admin$/);
      for (const tab of ["", "/access", "/sessions", "/statistics", "/audit", "/logs", "/backups", "/settings"]) {
        await koreanAdmin.page.goto(`${koreanAdmin.url}/admin${tab}`);
        expect(await koreanAdmin.page.locator("html").getAttribute("lang")).toBe("ko");
        expect(`/admin${tab}: ${(await englishLeftOn(koreanAdmin.page)).join(" | ")}`).toBe(`/admin${tab}: `);
        await koreanAdmin.page.setViewportSize({ width: 1024, height: 700 });
        const overflow = await koreanAdmin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(`/admin${tab} at 1024 px: ${overflow}`).toBe(`/admin${tab} at 1024 px: 0`);
        await koreanAdmin.page.setViewportSize({ width: 1366, height: 800 });
      }
    });
    const visitor = await person("방문자", "127.0.0.10", "ko-KR");
    await step(visitor, "korean denied page", async () => {
      await visitor.page.goto(`${visitor.url}/`);
      expect(`denied: ${(await englishLeftOn(visitor.page)).join(" | ")}`).toBe("denied: ");
    });
  });
});
