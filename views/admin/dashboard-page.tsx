import type { InstanceInfo } from "../../src/instances/instance-pool";
import type { Alert } from "../../src/monitoring/alerts";
import type { Sample } from "../../src/monitoring/sampler";
import { formatDateTime } from "../../src/i18n/format";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";
import { InstancesSection, megabytes } from "./console-page";
import { RestartPendingNotice } from "./settings-page";

export interface Summary {
  online: number;
  instancesRunning: number;
  sessionsToday: number;
  sample: Sample | null;
}

/** Refreshed by htmx every few seconds; empty (but present, to keep polling) when all is well. */
export function AlertBanner(props: { page: PageContext; alerts: Alert[] }) {
  const { t, locale, adminPath } = props.page;
  return (
    <div id="alerts" hx-get={`${adminPath}/fragments/alerts`} hx-trigger="every 10s" hx-swap="outerHTML">
      {props.alerts.map((alert) => (
        <p class="notice bad card" role="alert" data-alert={alert.kind}>
          {t(`alert.${alert.kind}`, { value: alert.value, threshold: alert.threshold, since: formatDateTime(alert.since, locale) })}
        </p>
      ))}
    </div>
  );
}

export function SummaryCards(props: { page: PageContext; summary: Summary }) {
  const { t, adminPath } = props.page;
  const { summary } = props;
  const sample = summary.sample;
  const cards: [string, string][] = [
    [t("dashboard.online"), String(summary.online)],
    [t("dashboard.instances"), String(summary.instancesRunning)],
    [t("dashboard.sessionsToday"), String(summary.sessionsToday)],
  ];
  if (sample) {
    cards.push(
      [t("dashboard.cpu"), `${sample.cpuPercent}%`],
      [t("dashboard.memory"), `${Math.round((sample.memoryUsedBytes / sample.memoryTotalBytes) * 100)}%`],
      [t("dashboard.gatewayMemory"), megabytes(sample.gatewayRssBytes)],
      [t("dashboard.requests"), String(sample.requestsPerSecond)],
      // Relayed requests of the last sampling window; none at all is said, not shown as a dash.
      [t("dashboard.latency"), sample.proxyP50Ms === null ? t("dashboard.noTraffic") : `${sample.proxyP50Ms} / ${sample.proxyP99Ms} ms`],
      [t("dashboard.websockets"), String(sample.openWebSockets)],
    );
  }
  return (
    <section id="summary" class="cards" hx-get={`${adminPath}/fragments/summary`} hx-trigger="every 5s" hx-swap="outerHTML">
      {cards.map(([label, value]) => (
        <div class="card stat">
          <span class="muted">{label}</span>
          <strong>{value}</strong>
        </div>
      ))}
    </section>
  );
}

export function DashboardPage(props: {
  page: PageContext;
  alerts: Alert[];
  summary: Summary;
  instances: InstanceInfo[];
  refreshMs: number;
  /** Labels of saved settings that wait for a restart. */
  pendingRestart: string[];
}) {
  const { t, adminPath } = props.page;
  return (
    <ConsoleLayout page={props.page} tab="dashboard" charts>
      <RestartPendingNotice page={props.page} names={props.pendingRestart} linkToSettings />
      <AlertBanner page={props.page} alerts={props.alerts} />
      <SummaryCards page={props.page} summary={props.summary} />
      <section class="chart-grid">
        {(["cpu", "memory"] as const).map((series) => (
          <figure class="card">
            <figcaption>{t(`dashboard.${series}Chart`)}</figcaption>
            <div
              id={`${series}-chart`}
              class="chart"
              data-chart="live"
              data-series={series}
              data-src={`${adminPath}/metrics.json`}
              data-refresh-ms={String(props.refreshMs)}
              data-empty={t("dashboard.noSample")}
            />
          </figure>
        ))}
      </section>
      <InstancesSection page={props.page} instances={props.instances} />
    </ConsoleLayout>
  );
}
