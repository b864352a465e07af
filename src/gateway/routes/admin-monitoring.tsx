// The admin console's dashboard (live load, alerts, instances), statistics with CSV and the load
// history, and audit trail. Every route here sits behind requireAdmin().
import { Hono } from "hono";
import * as v from "valibot";
import { AlertBanner, DashboardPage, type Summary, SummaryCards } from "../../../views/admin/dashboard-page";
import { AuditPage, LogTail, LogsPage } from "../../../views/admin/audit-page";
import { InstancesSection } from "../../../views/admin/console-page";
import { isRunningUserApp } from "../../instances/instance-pool";
import { StatisticsPage } from "../../../views/admin/statistics-page";
import { listAudit } from "../../audit";
import { failedRestore } from "../../db/restore";
import { PublicError } from "../../errors";
import { LOAD_SPANS, type LoadSpan, type ShownFigures, currentHour, loadSpanSchema, shownFigures, spanStart } from "../../monitoring/load-history";
import type { DateRange } from "../../monitoring/statistics";
import { toCsv } from "../../monitoring/statistics";
import { csvForExcel } from "../../http/excel-csv";
import { type GatewayContext, type GatewayEnv, pageContext } from "../context";
import { requireAdmin } from "../identity";
import { countPendingRequests } from "../pending-requests";

const LIVE_WINDOW_MS = 15 * 60_000;
const MAX_RANGE_DAYS = 3 * 366;

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const dateSchema = v.pipe(v.string(), v.isoDate());

/** The range asked for, or the last 30 days; a bad range says so and falls back. */
function dateRange(c: GatewayContext): { range: DateRange; error?: string } {
  const today = new Date();
  const fallback = { from: localDate(new Date(today.getTime() - 29 * 86_400_000)), to: localDate(today) };
  const from = c.req.query("from");
  const to = c.req.query("to");
  if (from === undefined && to === undefined) return { range: fallback };
  const valid = v.is(dateSchema, from) && v.is(dateSchema, to);
  const days = valid ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : -1;
  if (!valid || days < 0 || days > MAX_RANGE_DAYS) return { range: fallback, error: pageContext(c).t("stats.badRange") };
  return { range: { from, to } };
}

/** The load history's span: the last 24 hours unless asked; anything but the offered spans is refused. */
function loadSpan(c: GatewayContext): LoadSpan {
  const span = c.req.query("span") ?? "24h";
  if (!v.is(loadSpanSchema, span)) throw PublicError.of(400, "load.badSpan", { spans: Object.keys(LOAD_SPANS).join(", ") });
  return span;
}

async function summary(c: GatewayContext): Promise<Summary> {
  const { sessions, pool, sampler, config } = c.get("services");
  const open = await sessions.listOpen();
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  return {
    online: new Set(open.map((s) => s.userId)).size,
    instancesRunning: pool.list().filter(isRunningUserApp).length,
    sessionsToday: await sessions.countCreatedSince(midnight),
    sample: sampler.latest(),
    sampleSeconds: config.sampleSeconds,
  };
}

export function adminMonitoringRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());
  app.use(countPendingRequests());

  app.get("/", async (c) => {
    const { sampler, pool, config, live, accessRequests } = c.get("services");
    const page = pageContext(c);
    return c.html(
      <DashboardPage
        page={page}
        pendingRestart={live.pendingRestart().map((key) => page.t(`setting.${key}`))}
        requests={await accessRequests.listPending()}
        alerts={sampler.alerts()}
        summary={await summary(c)}
        instances={await pool.listAllNodes()}
        refreshMs={config.sampleSeconds * 1000}
        failedRestore={failedRestore(config.data)}
      />,
    );
  });

  app.get("/fragments/alerts", (c) => c.html(<AlertBanner page={pageContext(c)} alerts={c.get("services").sampler.alerts()} />));
  app.get("/fragments/instances", async (c) => c.html(<InstancesSection page={pageContext(c)} instances={await c.get("services").pool.listAllNodes()} />));
  app.get("/fragments/summary", async (c) => c.html(<SummaryCards page={pageContext(c)} summary={await summary(c)} />));

  /** Samples for the live charts: columns (uPlot's shape), times in seconds. */
  app.get("/metrics.json", async (c) => {
    const sinceParam = Number(c.req.query("since"));
    const since = Number.isFinite(sinceParam) && sinceParam > 0 ? new Date(sinceParam * 1000 + 1) : new Date(Date.now() - LIVE_WINDOW_MS);
    const samples = await c.get("services").sampler.since(since);
    return c.json({
      time: samples.map((s) => s.at.getTime() / 1000),
      cpu: samples.map((s) => s.cpuPercent),
      memory: samples.map((s) => Math.round((s.memoryUsedBytes / s.memoryTotalBytes) * 1000) / 10),
    });
  });

  app.get("/statistics", async (c) => {
    const span = loadSpan(c);
    const { range, error } = dateRange(c);
    const { statistics, sampler } = c.get("services");
    const now = Date.now();
    const [perDay, perWeek, unique, dwellUsers, dwellSessions, hours] = await Promise.all([
      statistics.visitsPerUserPerDay(range),
      statistics.visitsPerUserPerWeek(range),
      statistics.uniqueUsersPerDay(range),
      statistics.dwellPerUser(range),
      statistics.dwellPerSession(range, 200),
      sampler.hours(span, now),
    ]);
    return c.html(
      <StatisticsPage
        page={pageContext(c)}
        range={range}
        error={error}
        data={{ perDay, perWeek, unique, dwellUsers, dwellSessions }}
        load={{ span, hours, currentHour: currentHour(now) }}
      />,
    );
  });

  /** The load history's hours for the charts: columns (uPlot's shape), times in seconds, this gateway's only. */
  app.get("/load-history.json", async (c) => {
    const span = loadSpan(c);
    const now = Date.now();
    const hours = await c.get("services").sampler.hours(span, now);
    const seconds = (date: Date) => date.getTime() / 1000;
    const figures = hours.map(shownFigures);
    const column = (key: keyof ShownFigures) => figures.map((f) => f[key]);
    return c.json({
      span,
      range: [seconds(spanStart(span, now)), seconds(currentHour(now))],
      time: hours.map((h) => seconds(h.hour)),
      cpuAvg: column("cpuAvg"),
      cpuMax: column("cpuMax"),
      memoryAvgMb: column("memoryAvgMb"),
      memoryMaxMb: column("memoryMaxMb"),
      requestsPerSecond: column("requestsPerSecond"),
      webSocketsMax: column("webSocketsMax"),
      appsMax: column("appsMax"),
    });
  });

  /** The charts' data: visits and unique users per day, times as local midnights in seconds. */
  app.get("/statistics.json", async (c) => {
    const { range } = dateRange(c);
    const rows = await c.get("services").statistics.uniqueUsersPerDay(range);
    const byDay = new Map(rows.map((r) => [r.day, r]));
    // Every day of the range, a quiet one as 0: the bars are then one day wide (uPlot sizes a bar by
    // the gap to its neighbour; a lone day got the full 40 px and the last one spilled off the edge),
    // and the range runs half a day past the first and last so their bars show whole.
    const days: Date[] = [];
    for (const day = new Date(`${range.from}T00:00:00`); localDate(day) <= range.to; day.setDate(day.getDate() + 1)) days.push(new Date(day));
    const seconds = (day: Date) => day.getTime() / 1000;
    return c.json({
      range: [seconds(days[0]!) - 43_200, seconds(days.at(-1)!) + 43_200],
      time: days.map(seconds),
      visits: days.map((day) => byDay.get(localDate(day))?.visits ?? 0),
      users: days.map((day) => byDay.get(localDate(day))?.users ?? 0),
    });
  });

  const CSV_TABLES = {
    unique: async (s, r) => toCsv(await s.uniqueUsersPerDay(r), ["day", "users", "visits", "scriptSessions"]),
    "visits-per-day": async (s, r) => toCsv(await s.visitsPerUserPerDay(r), ["period", "user", "visits"]),
    "visits-per-week": async (s, r) => toCsv(await s.visitsPerUserPerWeek(r), ["period", "user", "visits"]),
    "dwell-per-user": async (s, r) => toCsv(await s.dwellPerUser(r), ["user", "sessions", "totalDwellSeconds", "averageDwellSeconds"]),
    "dwell-per-session": async (s, r) => toCsv(await s.dwellPerSession(r), ["sessionId", "user", "address", "started", "dwellSeconds"]),
  } satisfies Record<string, (s: GatewayEnv["Variables"]["services"]["statistics"], r: DateRange) => Promise<string>>;

  app.get("/statistics/:file{[a-z-]+\\.csv}", async (c) => {
    const table = c.req.param("file").replace(/\.csv$/, "");
    if (!Object.hasOwn(CSV_TABLES, table)) return c.notFound();
    const { range } = dateRange(c);
    const csv = await CSV_TABLES[table as keyof typeof CSV_TABLES](c.get("services").statistics, range);
    return c.body(csvForExcel(csv), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="5gfm-${table}-${range.from}-to-${range.to}.csv"`,
    });
  });

  const LOG_LINES = 300;
  app.get("/logs", (c) => c.html(<LogsPage page={pageContext(c)} lines={c.get("services").logTail(LOG_LINES)} />));
  app.get("/fragments/logs", (c) => c.html(<LogTail page={pageContext(c)} lines={c.get("services").logTail(LOG_LINES)} />));

  app.get("/audit", async (c) => {
    const filter = { actor: (c.req.query("actor") ?? "").slice(0, 64), action: (c.req.query("action") ?? "").slice(0, 64) };
    const { db } = c.get("services");
    const { entries, more } = await listAudit(db, filter);
    return c.html(<AuditPage page={pageContext(c)} filter={filter} entries={entries} more={more} />);
  });
  return app;
}
