// The console as an admin sees it in Chromium, in English and Korean: chart time labels in the
// page's language and a 24-hour clock, the live charts' figures as a sentence, the last day's bar
// drawn whole, and Stop asking first (naming whose app it is) before anything stops.
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { CHROMIUM, launchBrowser } from "../helpers/browser";
import { runCli, startServe } from "../helpers/cli";
import { instanceOf, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const skip = !CHROMIUM || process.env.FGM_TEST_BINARY !== undefined;

/** Keeps every uPlot chart the page makes in window.charts, so the test can ask it what it drew. */
const KEEP_CHARTS = `
  window.charts = [];
  let real;
  Object.defineProperty(window, "uPlot", {
    configurable: true,
    get: () => real,
    set: (value) => {
      real = new Proxy(value, { construct: (target, args) => { const chart = new target(...args); window.charts.push(chart); return chart; } });
    },
  });`;

interface Drawn {
  label: string;
  clock: string;
  clockSeconds: string;
  /** Days drawn, and the room right of the last one's centre against half its bar (0.6 of a day). */
  points: number;
  lastBarRoom: number;
  halfBar: number;
}

/**
 * The time label for 20:38 today (a minute step and a day step) of the chart drawn in the element
 * `within` selects (charts are made as their data arrives, in no set order), and the room right of its last point.
 */
function drawn(page: Page, within: string): Promise<Drawn> {
  return page.evaluate((within) => {
    // biome-ignore lint/suspicious/noExplicitAny: uPlot's instances, from the page
    const chart = (window as any).charts.find((c: any) => c.root.parentElement.matches(within));
    const at = new Date();
    at.setHours(20, 38, 0, 0);
    const seconds = at.getTime() / 1000;
    const [clock] = chart.axes[0].values(chart, [seconds], 0, 50, 60);
    const [clockSeconds] = chart.axes[0].values(chart, [seconds + 5], 0, 50, 10);
    const [label] = chart.axes[0].values(chart, [seconds], 0, 50, 86_400);
    const times = chart.data[0];
    const plotWidth = chart.bbox.width / devicePixelRatio;
    const last = chart.valToPos(times.at(-1), "x");
    const dayWidth = last - chart.valToPos(times.at(-1) - 86_400, "x");
    return { label, clock, clockSeconds, points: times.length, lastBarRoom: plotWidth - last, halfBar: Math.min(0.6 * dayWidth, 40) / 2 };
  }, within);
}

test.skipIf(skip)("charts speak the page's language, say their figures, draw the last day whole; Stop asks first", async () => {
  using dir = tempDir();
  await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--ip", "::1", "--data", dir.path]);
  await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
  await using gateway = await startServe(dir.path, ["--spare-instances", "0", "--sample-seconds", "1"]);
  expect((await new Visitor("127.0.0.2", gateway.url).get("/app/")).status).toBe(200);
  const browser = await launchBrowser();
  try {
    for (const [lang, locale, figures, label, stopText] of [
      ["en", "en-US", /^Now \d+(\.\d+)?%; over the last 15 minutes between/, (d: Date) => `${MONTHS[d.getMonth()]} ${d.getDate()}`, "Stop alice's feature app?"],
      ["ko", "ko-KR", /^현재 \d+(\.\d+)?%, 최근 15분 동안/, (d: Date) => `${d.getMonth() + 1}월 ${d.getDate()}일`, "alice의 기능 앱을 중지할까요?"],
    ] as const) {
      const page = await (await browser.newContext({ locale })).newPage();
      await page.addInitScript(KEEP_CHARTS);
      await page.goto(`${gateway.url}/admin`);
      await page.waitForFunction(() => document.querySelector(".chart-figures")?.textContent !== "", undefined, { timeout: 15_000 });
      expect(await page.locator(".chart-figures").first().textContent()).toMatch(figures);
      const live = await drawn(page, '[data-chart="live"]');
      expect(live.clock).toBe("20:38");
      // Ticks seconds apart (samples every second) are told apart by their seconds.
      expect(live.clockSeconds).toBe("20:38:05");

      await page.goto(`${gateway.url}/admin/statistics`);
      await page.waitForFunction(() => document.querySelector("#visits-chart")?.getAttribute("data-points") !== null);
      const bars = await drawn(page, "#visits-chart");
      // A day step is labelled as the page's language writes a date: "Dec 5", "12월 5일".
      const today = new Date();
      expect(bars.label).toBe(label(today));
      expect(bars.label).not.toMatch(/\d+\/\d+|am|pm/i);
      // Every day of the default 30 has its bar (a lone day's bar was 40 px wide and spilled off
      // the edge), and half a bar fits right of the last day's centre.
      expect(bars.points).toBe(30);
      expect(bars.lastBarRoom).toBeGreaterThanOrEqual(bars.halfBar);

      // Stop: the dialog names alice; dismissing it stops nothing.
      await page.goto(`${gateway.url}/admin`);
      const asked: string[] = [];
      page.once("dialog", (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.click(`#instance-user-2 button:has-text('${lang === "en" ? "Stop" : "중지"}')`);
      await waitFor("the question", () => asked.length > 0);
      expect(asked[0]).toStartWith(stopText);
      await Bun.sleep(500);
      expect((await instanceOf(dir.path, "alice")).state).toBe("running");
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
});
