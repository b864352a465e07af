// The load history against the real gateway: hourly rollups and raw samples written straight into
// its database, for this gateway's node id and for another gateway sharing the database; the
// endpoint and the statistics page must show this gateway's hours only, and refuse others.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatDateTime } from "../../src/i18n/format";
import { CHROMIUM, consoleProblems, launchBrowser } from "../helpers/browser";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const HOUR = 3_600_000;
const MB = 2 ** 20;
const OTHER_NODE = "00000000-0000-4000-8000-000000000000";
const JSON_ACCEPT = { accept: "application/json" };

interface Hour {
  at: number;
  cpu: [number, number];
  memoryMb: [number, number];
  requests: number;
  sockets: number;
  apps: number;
}

function insertHour(dataDir: string, nodeId: string, hour: Hour) {
  return query(
    dataDir,
    `INSERT INTO metric_hours (node_id, hour, cpu_percent_avg, cpu_percent_max, memory_used_bytes_avg, memory_used_bytes_max,
       requests_per_second_avg, open_websockets_max, instances_running_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [nodeId, hour.at, ...hour.cpu, hour.memoryMb[0] * MB, hour.memoryMb[1] * MB, hour.requests, hour.sockets, hour.apps],
  );
}

function insertSample(dataDir: string, nodeId: string, at: number, sample: { cpu: number; memoryMb: number; requests: number; sockets: number; apps: number }) {
  return query(
    dataDir,
    `INSERT INTO metric_samples (node_id, at, cpu_percent, memory_used_bytes, memory_total_bytes, gateway_rss_bytes, event_loop_lag_ms,
       requests_per_second, open_websockets, instances_running, instances_rss_bytes) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 0)`,
    [nodeId, at, sample.cpu, sample.memoryMb * MB, 16_384 * MB, sample.requests, sample.sockets, sample.apps],
  );
}

describe("load history", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  let nodeId: string;
  // The hour the test started in; the seeded hours are placed far enough from each span's edge
  // that the clock passing the hour during the test changes nothing asserted.
  const current = Math.floor(Date.now() / HOUR) * HOUR;
  const mine: Hour[] = [
    { at: current - 200 * HOUR, cpu: [11.04, 20], memoryMb: [1000, 1100], requests: 0.5, sockets: 1, apps: 1 },
    { at: current - 30 * HOUR, cpu: [35.56, 97.5], memoryMb: [6000, 7900], requests: 12.346, sockets: 40, apps: 9 },
    { at: current - 5 * HOUR, cpu: [8, 9], memoryMb: [2000, 2100], requests: 0, sockets: 0, apps: 0 },
    { at: current - 2 * HOUR, cpu: [50, 88.8], memoryMb: [4096, 5120], requests: 3.25, sockets: 7, apps: 3 },
  ];
  // The current hour from this gateway's two raw samples: averages and maxima of the two.
  const soFar = { at: current, cpuAvg: 30, cpuMax: 40, memoryAvgMb: 2048, memoryMaxMb: 3072, requestsPerSecond: 1.5, webSocketsMax: 5, appsMax: 2 };

  beforeAll(async () => {
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    // Sampling every 300 s: the gateway writes no sample (and rolls nothing up) while the test runs.
    gateway = await startServe(dir.path, ["--sample-seconds", "300", "--spare-instances", "0"]);
    nodeId = readFileSync(join(dir.path, "node-id"), "utf8").trim();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const visitor = (address: string, headers: Record<string, string> = {}) => new Visitor(address, gateway.url, headers);

  test("with no hour recorded yet the page says so and the endpoint answers empty columns", async () => {
    const admin = visitor("127.0.0.1");
    const page = await admin.get("/admin/statistics");
    expect(page.status).toBe(200);
    expect(page.body).toContain("No load recorded in this span yet.");
    expect(page.body).not.toContain("load-history-table");
    const data = JSON.parse((await admin.get("/admin/load-history.json", JSON_ACCEPT)).body);
    expect(data).toMatchObject({ span: "24h", time: [], cpuAvg: [], appsMax: [] });
  });

  describe("with hours recorded by this gateway and by another", () => {
    beforeAll(async () => {
      for (const hour of mine) await insertHour(dir.path, nodeId, hour);
      await insertSample(dir.path, nodeId, current + 1_000, { cpu: 20, memoryMb: 1024, requests: 1, sockets: 3, apps: 1 });
      await insertSample(dir.path, nodeId, current + 2_000, { cpu: 40, memoryMb: 3072, requests: 2, sockets: 5, apps: 2 });
      // The other gateway's hours sit between and on this one's, with figures this one never has.
      for (const at of [current - 30 * HOUR, current - 3 * HOUR, current - HOUR]) {
        await insertHour(dir.path, OTHER_NODE, { at, cpu: [99.9, 99.9], memoryMb: [9999, 9999], requests: 999, sockets: 999, apps: 99 });
      }
      await insertSample(dir.path, OTHER_NODE, current + 1_500, { cpu: 99.9, memoryMb: 9999, requests: 999, sockets: 999, apps: 99 });
    });

    const seconds = (ms: number) => ms / 1000;
    const expected = (hours: Hour[]) => ({
      time: [...hours.map((h) => seconds(h.at)), seconds(soFar.at)],
      cpuAvg: [...hours.map((h) => Math.round(h.cpu[0] * 10) / 10), soFar.cpuAvg],
      cpuMax: [...hours.map((h) => h.cpu[1]), soFar.cpuMax],
      memoryAvgMb: [...hours.map((h) => h.memoryMb[0]), soFar.memoryAvgMb],
      memoryMaxMb: [...hours.map((h) => h.memoryMb[1]), soFar.memoryMaxMb],
      requestsPerSecond: [...hours.map((h) => Math.round(h.requests * 100) / 100), soFar.requestsPerSecond],
      webSocketsMax: [...hours.map((h) => h.sockets), soFar.webSocketsMax],
      appsMax: [...hours.map((h) => h.apps), soFar.appsMax],
    });

    test.each([
      ["24h", 24, mine.slice(2)],
      ["7d", 7 * 24, mine.slice(1)],
      ["30d", 30 * 24, mine],
      ["90d", 90 * 24, mine],
    ] as const)("span %s: this gateway's hours in the span, oldest first, the current one from its samples", async (span, hours, inSpan) => {
      const response = await visitor("127.0.0.1").get(`/admin/load-history.json?span=${span}`, JSON_ACCEPT);
      expect(response.status).toBe(200);
      const data = JSON.parse(response.body);
      expect(data).toEqual({ span, range: [expect.any(Number), expect.any(Number)], ...expected([...inSpan]) });
      expect(data.range[1] - data.range[0]).toBe(seconds((hours - 1) * HOUR));
    });

    test("without a span the endpoint answers the last 24 hours", async () => {
      const data = JSON.parse((await visitor("127.0.0.1").get("/admin/load-history.json", JSON_ACCEPT)).body);
      expect(data).toMatchObject({ span: "24h", ...expected(mine.slice(2)) });
    });

    test.each(["1y", "", "24H", "7d ", "24h;drop"])("a bad span (%p) gets a 400 that says which spans there are, and nothing else", async (span) => {
      const admin = visitor("127.0.0.1");
      const response = await admin.get(`/admin/load-history.json?span=${encodeURIComponent(span)}`, JSON_ACCEPT);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ error: "The span must be one of 24h, 7d, 30d, 90d." });
      // A .json address answers JSON whatever the Accept header says (a link opened in a browser).
      const plain = await admin.get(`/admin/load-history.json?span=${encodeURIComponent(span)}`);
      expect([plain.status, JSON.parse(plain.body)]).toEqual([400, { error: "The span must be one of 24h, 7d, 30d, 90d." }]);
      const page = await admin.get(`/admin/statistics?span=${encodeURIComponent(span)}`);
      expect(page.status).toBe(400);
      expect(page.body).toContain("The span must be one of 24h, 7d, 30d, 90d.");
      expect(page.body).not.toContain("load-history-table");
    });

    test("a user and an unregistered address are refused the endpoint", async () => {
      const user = await visitor("127.0.0.2").get("/admin/load-history.json?span=90d", JSON_ACCEPT);
      expect(user.status).toBe(403);
      expect(user.body).not.toContain("cpuAvg");
      const stranger = await visitor("127.0.0.9").get("/admin/load-history.json?span=90d", JSON_ACCEPT);
      expect(stranger.status).toBe(303);
      expect(stranger.location).toBe("/");
      expect(stranger.body).not.toContain("cpuAvg");
    });

    /** The load table's rows on the page: each row's cells' text. */
    function tableRows(html: string): string[][] {
      const table = html.match(/<table id="load-history-table">([\s\S]*?)<\/table>/)?.[1] ?? "";
      const body = table.slice(table.indexOf("<tbody>"));
      return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((cell) => cell[1]!));
    }

    test.each([
      ["en", "en-US", "(so far)"],
      ["ko", "ko-KR", "(진행 중)"],
    ] as const)("the statistics page (%s) shows the span's figures in a table, the current hour marked as so far", async (locale, language, soFarMark) => {
      const page = await visitor("127.0.0.1", { "accept-language": language }).get("/admin/statistics?span=7d");
      expect(page.status).toBe(200);
      expect(page.body).toContain('<option value="7d" selected="">');
      const rows = tableRows(page.body);
      const hour = (at: number) => formatDateTime(new Date(at), locale);
      expect(rows.slice(0, 3)).toEqual([
        [hour(current - 30 * HOUR), "35.6%", "97.5%", "6000 MB", "7900 MB", "12.35", "40", "9"],
        [hour(current - 5 * HOUR), "8%", "9%", "2000 MB", "2100 MB", "0", "0", "0"],
        [hour(current - 2 * HOUR), "50%", "88.8%", "4096 MB", "5120 MB", "3.25", "7", "3"],
      ]);
      expect(rows[3]!.slice(1)).toEqual(["30%", "40%", "2048 MB", "3072 MB", "1.5", "5", "2"]);
      expect(rows).toHaveLength(4);
      // Unless the clock has passed the hour since the test began, that hour is still being sampled.
      if (Math.floor(Date.now() / HOUR) * HOUR === current) expect(rows[3]![0]).toBe(`${hour(current)} ${soFarMark}`);
      expect(page.body).not.toContain("99.9%");
    });

    test.skipIf(!CHROMIUM)("in a browser the load charts are drawn from the endpoint, with their legends in the page's language", async () => {
      const browser = await launchBrowser();
      try {
        for (const [locale, average] of [
          ["en-US", "Average"],
          ["ko-KR", "평균"],
        ] as const) {
          const page = await (await browser.newContext({ locale })).newPage();
          const problems = consoleProblems(page);
          await page.goto(`${gateway.url}/admin/statistics?span=7d`);
          for (const chart of ["cpu", "memory", "requests", "connections"]) {
            await page.waitForSelector(`#load-${chart}-chart canvas`);
          }
          // Four hours and the current one, with a break (a null) before each hour that follows a gap.
          expect(await page.locator("#load-cpu-chart").getAttribute("data-points")).toBe("7");
          expect(await page.locator("#load-cpu-chart .u-legend").textContent()).toContain(average);
          expect(problems).toEqual([]);
          await page.context().close();
        }
      } finally {
        await browser.close();
      }
    });
  });
});
