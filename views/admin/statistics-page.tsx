import type { DateRange, DwellSessionRow, DwellUserRow, UniqueRow, VisitRow } from "../../src/monitoring/statistics";
import { formatDateTime, formatDuration } from "../../src/i18n/format";
import { FormError, TableHead } from "../form";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";
import { type LoadHistory, LoadHistorySection } from "./load-history-section";

export interface StatisticsData {
  perDay: VisitRow[];
  perWeek: VisitRow[];
  unique: UniqueRow[];
  dwellUsers: DwellUserRow[];
  dwellSessions: DwellSessionRow[];
}

function CsvLink(props: { page: PageContext; table: string; range: DateRange }) {
  const query = new URLSearchParams({ from: props.range.from, to: props.range.to });
  return (
    <a class="csv" href={`${props.page.adminPath}/statistics/${props.table}.csv?${query}`} download>
      {props.page.t("stats.csv")}
    </a>
  );
}

function Section(props: { page: PageContext; title: string; table: string; range: DateRange; empty: boolean; children: unknown }) {
  return (
    <section class="card" id={`stats-${props.table}`}>
      <h2>
        {props.title} <CsvLink page={props.page} table={props.table} range={props.range} />
      </h2>
      {props.empty ? <p class="muted">{props.page.t("stats.none")}</p> : props.children}
    </section>
  );
}

export function StatisticsPage(props: { page: PageContext; range: DateRange; data: StatisticsData; load: LoadHistory; error?: string }) {
  const { page, range, data } = props;
  const { t, adminPath } = page;
  const chartSrc = `${adminPath}/statistics.json?${new URLSearchParams({ from: range.from, to: range.to })}`;
  return (
    <ConsoleLayout page={page} tab="statistics" charts>
      <form method="get" action={`${adminPath}/statistics`} class="range card">
        <label for="field-from">{t("stats.from")}</label>
        <input id="field-from" type="date" name="from" value={range.from} required />
        <label for="field-to">{t("stats.to")}</label>
        <input id="field-to" type="date" name="to" value={range.to} required />
        {/* The load history at the end keeps its span. */}
        <input type="hidden" name="span" value={props.load.span} />
        <button type="submit">{t("stats.show")}</button>
      </form>
      <FormError message={props.error} />
      <p>
        <a href="#load-history">{t("load.title")}</a>
      </p>
      <dl class="card" id="stats-meaning">
        <dt>{t("stats.visits")}</dt>
        <dd>{t("stats.meaning.visit")}</dd>
        <dt>{t("stats.dwell")}</dt>
        <dd>{t("stats.meaning.dwell")}</dd>
      </dl>
      <section class="chart-grid">
        <figure class="card">
          <figcaption>{t("stats.visitsPerDay")}</figcaption>
          <div id="visits-chart" class="chart" data-chart="bars" data-series="visits" data-src={chartSrc} data-empty={t("stats.none")} />
        </figure>
        <figure class="card">
          <figcaption>{t("stats.uniquePerDay")}</figcaption>
          <div id="unique-chart" class="chart" data-chart="line" data-series="users" data-src={chartSrc} data-empty={t("stats.none")} />
        </figure>
      </section>
      <Section page={page} title={t("stats.uniquePerDay")} table="unique" range={range} empty={data.unique.length === 0}>
        <table>
          <TableHead labels={[t("stats.day"), t("stats.users"), t("stats.visits"), t("stats.scriptSessions")]} />
          <tbody>
            {data.unique.map((row) => (
              <tr>
                <td>{row.day}</td>
                <td>{row.users}</td>
                <td>{row.visits}</td>
                <td>{row.scriptSessions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section page={page} title={t("stats.visitsPerUserDay")} table="visits-per-day" range={range} empty={data.perDay.length === 0}>
        <VisitsTable page={page} rows={data.perDay} periodLabel={t("stats.day")} />
      </Section>
      <Section page={page} title={t("stats.visitsPerUserWeek")} table="visits-per-week" range={range} empty={data.perWeek.length === 0}>
        <VisitsTable page={page} rows={data.perWeek} periodLabel={t("stats.week")} />
      </Section>
      <Section page={page} title={t("stats.dwellPerUser")} table="dwell-per-user" range={range} empty={data.dwellUsers.length === 0}>
        <table>
          <TableHead labels={[t("stats.user"), t("stats.sessions"), t("stats.totalDwell"), t("stats.averageDwell")]} />
          <tbody>
            {data.dwellUsers.map((row) => (
              <tr>
                <td>{row.user}</td>
                <td>{row.sessions}</td>
                <td>{formatDuration(row.totalDwellSeconds, t)}</td>
                <td>{formatDuration(row.averageDwellSeconds, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section page={page} title={t("stats.dwellPerSession")} table="dwell-per-session" range={range} empty={data.dwellSessions.length === 0}>
        <table>
          <TableHead labels={[t("stats.started"), t("stats.user"), t("stats.address"), t("stats.dwell")]} />
          <tbody>
            {data.dwellSessions.map((row) => (
              <tr>
                {/* The database gives the server's local time as "YYYY-MM-DD HH:MM:SS"; shown as the reader writes dates. */}
                <td>{formatDateTime(new Date(row.started.replace(" ", "T")), page.locale)}</td>
                <td>{row.user}</td>
                <td class="address">{row.address}</td>
                <td>{formatDuration(row.dwellSeconds, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <LoadHistorySection page={page} load={props.load} range={range} />
    </ConsoleLayout>
  );
}

/** Long tables show their first rows on the page; the CSV link next to the title has all of them. */
const PAGE_ROWS = 500;

function VisitsTable(props: { page: PageContext; rows: VisitRow[]; periodLabel: string }) {
  const { t } = props.page;
  const shown = props.rows.slice(0, PAGE_ROWS);
  return (
    <>
    {props.rows.length > PAGE_ROWS && <p class="muted">{t("stats.truncated", { shown: PAGE_ROWS, total: props.rows.length })}</p>}
    <table>
      <TableHead labels={[props.periodLabel, t("stats.user"), t("stats.visits")]} />
      <tbody>
        {shown.map((row) => (
          <tr>
            <td>{row.period}</td>
            <td>{row.user}</td>
            <td>{row.visits}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}
