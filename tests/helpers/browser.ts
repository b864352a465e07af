// Debian's Chromium driven by playwright-core, with the flags this machine needs.
import { existsSync } from "node:fs";
import { type Browser, type Locator, type Page, chromium } from "playwright-core";
import { runCli, startServe } from "./cli";
import { tempDir } from "./temp-dir";

export const CHROMIUM = [process.env.FGM_TEST_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path) => path && existsSync(path),
);

export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("no Chromium found; install Debian's chromium or set FGM_TEST_CHROMIUM");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Every error the page logs or throws, collected for a final `expect(problems).toEqual([])`.
 * `ignore` leaves out errors a test provokes on purpose (a socket closed by a restart).
 */
export function consoleProblems(page: Page, ignore?: RegExp): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !ignore?.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

/**
 * Creates a feature set through the app's API from the page's own origin (as a script on the
 * page would, with the page's session), and returns its id.
 */
export async function createSetFromPage(page: Page, set: { name: string; content: Record<string, unknown> }): Promise<number> {
  return page.evaluate(async (body) => {
    const response = await fetch("/app/api/feature-sets", { method: "POST", headers: { "content-type": "application/json" }, body });
    if (response.status !== 201) throw new Error(`creating a set: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: number }).id;
  }, JSON.stringify(set));
}

export interface AdminInBrowser {
  dataDir: string;
  url: string;
  page: Page;
  /** What consoleProblems collects on `page`. */
  problems: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A fresh data folder whose one user is an admin on this machine (127.0.0.1 and ::1), its gateway
 * without spares, and an English Chromium page; disposing closes all three.
 */
export async function adminInBrowser(): Promise<AdminInBrowser> {
  const dir = tempDir();
  await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--ip", "::1", "--data", dir.path]);
  const gateway = await startServe(dir.path, ["--spare-instances", "0"]);
  const close = async (browser?: Browser) => {
    await browser?.close();
    await gateway[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  };
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    return { dataDir: dir.path, url: gateway.url, page, problems: consoleProblems(page), [Symbol.asyncDispose]: () => close(browser) };
  } catch (error) {
    await close(browser);
    throw error;
  }
}

/**
 * On a feature set's page: a wrong and then a right value for one of FGR-CA0001's parameters, each
 * checked inline as typed, and a site with an override in the sites grid; then saves. Returns the
 * value's input.
 */
export async function editSetValueAndSite(page: Page, errorTimeoutMs?: number): Promise<Locator> {
  const input = page.locator('[id="field-value:FGR-CA0001:scellAdditionA4ThresholdRsrp"]');
  const errorIs = (text: string) => textBecomes(page, "error-value:FGR-CA0001:scellAdditionA4ThresholdRsrp", text, errorTimeoutMs);
  await input.fill("abc");
  await errorIs("Must be a whole number.");
  // The field is marked at once, as a field refused on save is, not only after Save.
  await page.waitForFunction((el) => el?.getAttribute("aria-invalid") === "true", await input.elementHandle());
  await input.fill("-100");
  await errorIs("");
  await page.waitForFunction((el) => el?.getAttribute("aria-invalid") === null, await input.elementHandle());
  // The sites grid: a site, a column for the parameter it overrides (drawn in place), its cell.
  await page.fill("#field-site-name-0", "Gangnam");
  await page.fill("#sites-new-column", "FGR-CA0001.scellActivationBufferThreshold");
  await page.click("#sites-add-column");
  const cell = page.locator('[id="field-site-cell-0-FGR-CA0001.scellActivationBufferThreshold"]');
  await cell.fill("75");
  await page.click("#set-save");
  return input;
}

/** Waits until the element with this id holds exactly `text` (an inline error appearing or clearing). */
function textBecomes(page: Page, id: string, text: string, timeoutMs?: number) {
  return page.waitForFunction(([id, text]) => document.getElementById(id)?.textContent === text, [id, text] as const, { timeout: timeoutMs });
}
