// axe-core over every page of the gateway and the feature app, in English and in Korean, in a
// real Chromium through the real gateway: any violation fails the test, with the rule and the
// elements it names. Other people's pages (a visitor without access, a user who must sign in, a
// disabled account, a server not set up yet) are seen from their own loopback addresses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { forwardFrom, type Forwarder } from "../e2e/harness";
import { CHROMIUM, consoleProblems, createSetFromPage, launchBrowser } from "../helpers/browser";
import { REPO, type RunningServe, runCli, startServe } from "../helpers/cli";
import { query } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

type TempDir = ReturnType<typeof tempDir>;

const AXE_SOURCE = readFileSync(join(REPO, "node_modules", "axe-core", "axe.min.js"), "utf8");
const LOCALES = [
  ["en", "en-US"],
  ["ko", "ko-KR"],
] as const;
const ADDR = { owner: "127.0.0.1", alice: "127.0.0.2", pat: "127.0.0.3", dee: "127.0.0.4", stranger: "127.0.0.5", asker: "127.0.0.6" };
const PAT_PASSWORD = "pat-password-1";

interface Violation {
  rule: string;
  help: string;
  targets: string[];
}

/** axe's violations on the page as it is now, short enough to read in a failed expectation. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  // Injected by evaluation, which the page's CSP does not govern (the context bypasses it).
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations.map((v) => ({ rule: v.id, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

const skip = !CHROMIUM || process.env.FGM_TEST_BINARY !== undefined;

describe.skipIf(skip)("axe finds no violation", () => {
  let dir: TempDir;
  let fresh: TempDir;
  let gateway: RunningServe;
  let freshGateway: RunningServe;
  let browser: Browser;
  const forwarders: Forwarder[] = [];
  let setId = 0;
  let aliceId = 0;

  beforeAll(async () => {
    dir = tempDir();
    fresh = tempDir();
    const data = ["--data", dir.path];
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", ADDR.owner, "--ip", "::1", ...data]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", ADDR.alice, "--display-name", "Alice Kim", ...data]);
    await runCli(["user", "add", "pat", "--role", "user", "--ip", ADDR.pat, "--password-stdin", ...data], { stdin: `${PAT_PASSWORD}\n` });
    await runCli(["user", "add", "dee", "--role", "user", "--ip", ADDR.dee, "--disable", ...data]);
    // Two apps at most (alice's and the owner's): pat, signing in after them, meets the "all busy" page.
    [gateway, freshGateway] = await Promise.all([startServe(dir.path, ["--spare-instances", "0", "--max-instances", "2"]), startServe(fresh.path, ["--spare-instances", "0"])]);
    // Something on every console page: alice's app and session, a pending access request, a backup.
    await new Visitor(ADDR.alice, gateway.url).get("/app/");
    await new Visitor(ADDR.asker, gateway.url).post("/access-request", { name: "Asker", reason: "new on the team" });
    aliceId = Number((await query(dir.path, "SELECT id FROM users WHERE name = 'alice'"))[0]!.id);
    // An hour of this gateway's load two hours ago, so the statistics page has its load charts and table.
    const nodeId = readFileSync(join(dir.path, "node-id"), "utf8").trim();
    const hour = (Math.floor(Date.now() / 3_600_000) - 2) * 3_600_000;
    await query(dir.path, "INSERT INTO metric_hours VALUES (?, ?, 12.5, 40, 2147483648, 3221225472, 1.25, 3, 2)", [nodeId, hour]);
    expect((await runCli(["backup", ...data])).code).toBe(0);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const forwarder of forwarders) await forwarder.close();
    await Promise.all([gateway?.stop(), freshGateway?.stop()]);
    dir?.[Symbol.dispose]();
    fresh?.[Symbol.dispose]();
  });

  async function contextFor(locale: string): Promise<BrowserContext> {
    return browser.newContext({ locale, bypassCSP: true });
  }

  /** Opens each path and expects no violation; returns the problems the pages logged. */
  async function check(page: Page, base: string, paths: string[]): Promise<void> {
    const problems = consoleProblems(page, /WebSocket|Failed to load resource/);
    const found: { path: string; violations: Violation[] }[] = [];
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("networkidle");
      const violations = await axeViolations(page);
      if (violations.length > 0) found.push({ path, violations });
    }
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  }

  for (const [lang, locale] of LOCALES) {
    test(`the admin console (${lang})`, async () => {
      const context = await contextFor(locale);
      const page = await context.newPage();
      await page.goto(`${gateway.url}/app/`);
      await page.waitForLoadState("networkidle");
      await check(page, gateway.url, [
        "/admin",
        "/admin/access",
        `/admin/users/${aliceId}`,
        `/admin/instances/${aliceId}/log`,
        "/admin/sessions",
        "/admin/statistics",
        "/admin/logs",
        "/admin/audit",
        "/admin/settings",
        "/admin/backups",
        "/no-such-page",
      ]);
      await context.close();
    });

    test(`the feature app (${lang})`, async () => {
      const context = await contextFor(locale);
      const page = await context.newPage();
      await page.goto(`${gateway.url}/app/sets`);
      if (setId === 0) {
        setId = await createSetFromPage(page, { name: "Seoul market", content: { features: ["FGR-CA0002"], values: {}, sites: [{ name: "Gangnam", overrides: {} }] } });
      }
      const version = Number((await query(dir.path, "SELECT max(id) AS id FROM catalog_versions"))[0]!.id);
      await check(page, gateway.url, [
        "/app/",
        "/app/features/FGR-CA0002",
        "/app/versions",
        `/app/versions/compare?from=${version}&to=${version}`,
        "/app/charts",
        "/app/import",
        "/app/sets",
        `/app/sets/${setId}`,
        `/app/sets/${setId}/revisions/1`,
        "/app/no-such-page",
      ]);
      // The set page after "Generate and keep": the kept export's message and its marked row.
      await page.goto(`${gateway.url}/app/sets/${setId}`);
      await page.click("#set-export form button");
      await page.waitForURL(/\?kept=\d+$/);
      await page.waitForLoadState("networkidle");
      expect({ path: "/app/sets/(kept)", violations: await axeViolations(page) }).toEqual({ path: "/app/sets/(kept)", violations: [] });
      // An uploaded file's draft: its column mapping and the report of what is wrong with it.
      await page.goto(`${gateway.url}/app/import`);
      await page.setInputFiles("#field-file", { name: `draft-${lang}.csv`, mimeType: "text/csv", buffer: Buffer.from("id,name,requires\nFGR-ZZ0001,Draft feature,FGR-NOPE001\n") });
      await page.click("#upload-form button[type=submit]");
      await page.waitForURL(/\/app\/import\/[^/]+$/);
      await page.waitForLoadState("networkidle");
      expect({ path: "/app/import/(draft)", violations: await axeViolations(page) }).toEqual({ path: "/app/import/(draft)", violations: [] });
      // A valid file that would replace the catalog: what it does to the current one, the removed features opened, the box.
      await page.goto(`${gateway.url}/app/import`);
      await page.setInputFiles("#field-file", { name: `replace-${lang}.csv`, mimeType: "text/csv", buffer: Buffer.from("id,name,category,release,status\nFGR-ZZ0001,Draft feature,Test,Rel-18,active\n") });
      await page.click("#upload-form button[type=submit]");
      await page.waitForURL(/\/app\/import\/[^/]+$/);
      await page.waitForLoadState("networkidle");
      await page.click("#impact-removed summary");
      expect(await page.locator("#impact-confirm").count()).toBe(1);
      expect({ path: "/app/import/(replacing draft)", violations: await axeViolations(page) }).toEqual({ path: "/app/import/(replacing draft)", violations: [] });
      await context.close();
    });

    test(`pages other people see (${lang})`, async () => {
      const context = await contextFor(locale);
      const page = await context.newPage();
      for (const [address, paths] of [
        [ADDR.stranger, ["/"]],
        [ADDR.asker, ["/"]],
        [ADDR.pat, ["/", "/login?next=%2Fapp%2F"]],
        [ADDR.dee, ["/"]],
      ] as const) {
        const forwarder = await forwardFrom(address, gateway.port);
        forwarders.push(forwarder);
        await check(page, forwarder.url, [...paths]);
      }
      // Signed in and out again.
      const pat = await forwardFrom(ADDR.pat, gateway.port);
      forwarders.push(pat);
      await page.goto(`${pat.url}/login`);
      await page.fill("#field-name", "pat");
      await page.fill("#field-password", PAT_PASSWORD);
      await page.click("main form button[type=submit]");
      await page.waitForURL(/\/app\//);
      await page.waitForSelector("#instance-full");
      expect({ path: "/app/ (all busy)", violations: await axeViolations(page) }).toEqual({ path: "/app/ (all busy)", violations: [] });
      await page.click("form[action='/logout'] button");
      await page.waitForURL(/signed-out/);
      expect({ path: "/signed-out", violations: await axeViolations(page) }).toEqual({ path: "/signed-out", violations: [] });
      // A server with no administrator yet: the setup page here, "not set up yet" elsewhere.
      await check(page, freshGateway.url, ["/setup"]);
      const remote = await forwardFrom(ADDR.stranger, freshGateway.port);
      forwarders.push(remote);
      await check(page, remote.url, ["/"]);
      await context.close();
    });
  }
});
