// The statistics page's load history: this gateway's load hour by hour over a chosen span, as
// uPlot charts (drawn by static/admin-charts.js from /load-history.json) and as a table of the
// same figures for those who cannot see the charts.
import type { DateRange } from "../../src/monitoring/statistics";
import { LOAD_SPANS, type LoadHour, type LoadSpan, shownFigures } from "../../src/monitoring/load-history";
import { formatDateTime } from "../../src/i18n/format";
import type { MessageKey } from "../../src/i18n/messages";
import { TableHead } from "../form";
import type { PageContext } from "../layout";

export interface LoadHistory {
  span: LoadSpan;
  /** Oldest first; the last may be the current hour, so far. */
  hours: LoadHour[];
  currentHour: Date;
}

/** Each chart: its caption, the JSON columns it draws and their legend labels. */
const CHARTS: { id: string; caption: MessageKey; series: string[]; labels: MessageKey[]; percent?: boolean }[] = [
  { id: "cpu", caption: "load.cpuChart", series: ["cpuAvg", "cpuMax"], labels: ["load.average", "load.maximum"], percent: true },
  { id: "memory", caption: "load.memoryChart", series: ["memoryAvgMb", "memoryMaxMb"], labels: ["load.average", "load.maximum"] },
  { id: "requests", caption: "load.requestsChart", series: ["requestsPerSecond"], labels: ["load.average"] },
  { id: "connections", caption: "load.connectionsChart", series: ["webSocketsMax", "appsMax"], labels: ["load.websockets", "load.apps"] },
];

export function LoadHistorySection(props: { page: PageContext; load: LoadHistory; range: DateRange }) {
  const { page, load } = props;
  const { t, adminPath } = page;
  return (
    <section id="load-history" aria-labelledby="load-history-title">
      <h2 id="load-history-title">{t("load.title")}</h2>
      <p class="muted">{t("load.intro")}</p>
      <form method="get" action={`${adminPath}/statistics#load-history`} class="range card">
        <label for="field-span">{t("load.span")}</label>
        <select id="field-span" name="span">
          {(Object.keys(LOAD_SPANS) as LoadSpan[]).map((span) => (
            <option value={span} selected={span === load.span}>
              {t(`load.span.${span}`)}
            </option>
          ))}
        </select>
        {/* The visits above keep their dates. */}
        <input type="hidden" name="from" value={props.range.from} />
        <input type="hidden" name="to" value={props.range.to} />
        <button type="submit">{t("stats.show")}</button>
      </form>
      {load.hours.length === 0 ? (
        <p class="card muted">{t("load.none")}</p>
      ) : (
        <>
          <div class="chart-grid">
            {CHARTS.map((chart) => (
              <figure class="card">
                <figcaption>{t(chart.caption)}</figcaption>
                <div
                  id={`load-${chart.id}-chart`}
                  class="chart"
                  data-chart="hours"
                  data-series={chart.series.join(" ")}
                  data-labels={JSON.stringify(chart.labels.map((label) => t(label)))}
                  data-x-label={t("load.hour")}
                  data-percent={chart.percent ? "" : undefined}
                  data-src={`${adminPath}/load-history.json?span=${load.span}`}
                  data-empty={t("load.none")}
                />
              </figure>
            ))}
          </div>
          <LoadTable page={page} load={load} />
        </>
      )}
    </section>
  );
}

function LoadTable(props: { page: PageContext; load: LoadHistory }) {
  const { t, locale } = props.page;
  const current = props.load.currentHour.getTime();
  return (
    <details class="card chart-table">
      <summary>{t("load.table")}</summary>
      <table id="load-history-table">
        <TableHead
          labels={[t("load.hour"), t("load.cpuAvg"), t("load.cpuMax"), t("load.memoryAvg"), t("load.memoryMax"), t("load.requests"), t("load.websockets"), t("load.apps")]}
        />
        <tbody>
          {props.load.hours.map((hour) => {
            const f = shownFigures(hour);
            const when = formatDateTime(hour.hour, locale);
            return (
              <tr>
                <th scope="row">{hour.hour.getTime() >= current ? t("load.soFar", { hour: when }) : when}</th>
                <td>{f.cpuAvg}%</td>
                <td>{f.cpuMax}%</td>
                <td>{f.memoryAvgMb} MB</td>
                <td>{f.memoryMaxMb} MB</td>
                <td>{f.requestsPerSecond}</td>
                <td>{f.webSocketsMax}</td>
                <td>{f.appsMax}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
