// Debian's Chromium driven by playwright-core, with the flags this machine needs.
import { existsSync } from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

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
