// The console's live load, statistics and /metrics against the real gateway; the dashboard's
// chart is checked in a real browser.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CHROMIUM, launchBrowser } from "../helpers/browser";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor, openWebSocketFrom } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const METRICS_TOKEN = "prometheus-token-0123456789";
/** What a browser sends when a person opens a page: such a first request starts a visit. */
const NAVIGATION = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

describe("console monitoring", () => {
  using dir = tempDir();
  let gateway: RunningServe;

  beforeAll(async () => {
    for (const [name, ip] of [["owner", "127.0.0.1"], ["alice", "127.0.0.2"], ["bob", "127.0.0.3"], ["carol", "127.0.0.4"]]) {
      await runCli(["user", "add", name!, "--role", name === "owner" ? "admin" : "user", "--ip", ip!, "--data", dir.path]);
    }
    gateway = await startServe(dir.path, ["--sample-seconds", "1", "--spare-instances", "0"], { FGM_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("dwell time is the time the app was open over a WebSocket, and visits are counted per user and day", async () => {
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    await alice.get("/app/_health");
    // Two tabs overlapping for part of the time count once: 0–1.5 s and 0.5–2.5 s make 2.5 s.
    const first = await openWebSocketFrom("127.0.0.2", `${gateway.url}/app/ws`, alice.cookieHeader());
    await Bun.sleep(500);
    const second = await openWebSocketFrom("127.0.0.2", `${gateway.url}/app/ws`, alice.cookieHeader());
    await Bun.sleep(1000);
    first.destroy();
    await Bun.sleep(1000);
    second.destroy();
    const [session] = await waitFor("dwell to be recorded", async () => {
      const rows = await query(dir.path, "SELECT dwell_ms FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'alice'");
      return Number(rows[0]?.dwell_ms) > 0 ? rows : undefined;
    });
    expect(Math.abs(Number(session!.dwell_ms) - 2500)).toBeLessThan(1000);

    // alice's first request was a script's (no Sec-Fetch-* headers), and her page then opened the
    // app: a visit. bob and the owner arrive as a browser's navigation does.
    const bob = new Visitor("127.0.0.3", gateway.url, NAVIGATION);
    await bob.get("/");
    const owner = new Visitor("127.0.0.1", gateway.url, NAVIGATION);
    await owner.get("/");
    const page = await owner.get("/admin/statistics");
    expect(page.status).toBe(200);
    expect(page.body).toContain("alice");
    const csv = await owner.get("/admin/statistics/visits-per-day.csv");
    expect(csv.headers["content-type"]).toContain("text/csv");
    // The UTF-8 byte-order mark (EF BB BF), or Korean Excel reads the file as CP949.
    expect(csv.body.startsWith("\uFEFFperiod,user,visits\r\n")).toBe(true);
    const today = (await query(dir.path, "SELECT date('now', 'localtime') AS d"))[0]!.d;
    expect(csv.body).toContain(`${today},alice,1\r\n`);
    expect(csv.body).toContain(`${today},bob,1\r\n`);
    const dwell = await owner.get("/admin/statistics/dwell-per-user.csv");
    const aliceLine = dwell.body.split("\r\n").find((l) => l.startsWith("alice,"))!;
    const [, sessions, total] = aliceLine.split(",");
    expect(sessions).toBe("1");
    expect(Math.abs(Number(total) - 2.5)).toBeLessThan(1);
    const unique = await owner.get("/admin/statistics/unique.csv");
    expect(unique.body).toContain(`${today},3,3,0\r\n`);
  });

  test("a bad date range is explained and falls back to the last 30 days", async () => {
    const owner = new Visitor("127.0.0.1", gateway.url);
    await owner.get("/");
    const page = await owner.get("/admin/statistics?from=2026-12-01&to=2026-01-01");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Choose a start date on or before the end date");
  });

  test("/metrics needs the bearer token and then speaks Prometheus text", async () => {
    await waitFor("a sample", async () => (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text().then((t) => t.includes("fgm_system_cpu_percent")));
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    for (const row of text.trim().split("\n")) {
      expect(row).toMatch(/^(# (HELP|TYPE) fgm_[a-z_]+ .+|fgm_[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? (-?[0-9.e+-]+|NaN))$/);
    }
    expect(text).toContain('fgm_instances{state="running"}');
  });

  test("the gateway's log is written to a file in the data folder and its tail is in the console", async () => {
    const owner = new Visitor("127.0.0.1", gateway.url);
    await owner.get("/");
    const page = await owner.get("/admin/logs");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/INFO {2}gateway listening url=/);
    expect(await Bun.file(`${dir.path}/logs/gateway.log`).text()).toContain("gateway listening");
  });

  test("the audit trail can be filtered", async () => {
    const owner = new Visitor("127.0.0.1", gateway.url);
    await owner.get("/");
    const page = await owner.get("/admin/audit?action=user.add");
    expect(page.body).toContain("user.add");
    expect(page.body).not.toContain("session.start");
  });

  test.skipIf(!CHROMIUM)("with three users active the dashboard shows their instances and the CPU chart moves without a reload", async () => {
    for (const address of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) {
      const visitor = new Visitor(address, gateway.url);
      await visitor.get("/");
      expect((await visitor.get("/app/_health")).status).toBe(200);
    }
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`${gateway.url}/admin`);
      for (const name of ["alice", "bob", "carol"]) {
        await page.waitForFunction(
          (user) => [...document.querySelectorAll("#instances tr")].some((row) => row.textContent?.includes(user) && / MB/.test(row.textContent ?? "")),
          name,
          { timeout: 20_000 },
        );
      }
      const chart = page.locator("#cpu-chart");
      await page.waitForFunction(() => Number(document.getElementById("cpu-chart")?.dataset.points) > 0);
      const before = Number(await chart.getAttribute("data-points"));
      const navigations: string[] = [];
      page.on("framenavigated", (frame) => navigations.push(frame.url()));
      await page.waitForFunction((n) => Number(document.getElementById("cpu-chart")?.dataset.points) > n, before, { timeout: 15_000 });
      expect(navigations).toEqual([]);
      expect(await page.locator("#cpu-chart canvas").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
