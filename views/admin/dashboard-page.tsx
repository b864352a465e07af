import type { AccessRequest } from "../../src/access/access-request-store";
import type { InstanceInfo } from "../../src/instances/instance-pool";
import type { Alert } from "../../src/monitoring/alerts";
import type { Sample } from "../../src/monitoring/sampler";
import { formatDateTime } from "../../src/i18n/format";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";
import { InstancesSection, megabytes } from "./console-page";
import { RestartPendingNotice } from "./settings-page";
import { FailedRestoreNotice } from "./backups-page";
import type { FailedRestore } from "../../src/db/restore";

export interface Summary {
  online: number;
  instancesRunning: number;
  sessionsToday: number;
  sample: Sample | null;
  /** How many seconds a sample covers: the latency figures are of that window only. */
  sampleSeconds: number;
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
      // Relayed requests of the last sampling window, which the label names (a quiet few seconds
      // right after heavy use must not read as if the figures were missing); none at all is said.
      [
        t("dashboard.latency", { seconds: summary.sampleSeconds }),
        sample.proxyP50Ms === null ? t("dashboard.noTraffic", { seconds: summary.sampleSeconds }) : `${sample.proxyP50Ms} / ${sample.proxyP99Ms} ms`,
      ],
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

/** Who waits for access, so the admin sees it on arrival; deciding is one click away on the access page. */
export function PendingRequests(props: { page: PageContext; requests: AccessRequest[] }) {
  const { t, locale, adminPath } = props.page;
  return (
    <section class="card" id="pending-requests">
      <h2>{t("admin.requests.title")}</h2>
      {props.requests.length === 0 ? (
        <p class="muted">{t("admin.requests.none")}</p>
      ) : (
        <>
          <p>
            {t("dashboard.pending", { count: props.requests.length })} <a href={`${adminPath}/access`}>{t("dashboard.pendingReview")}</a>
          </p>
          <ul>
            {props.requests.map((request) => (
              <li>
                {request.name} (<span class="address">{request.address}</span>) · {formatDateTime(request.createdAt, locale)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function DashboardPage(props: {
  page: PageContext;
  /** Access requests waiting for a decision. */
  requests: AccessRequest[];
  alerts: Alert[];
  summary: Summary;
  instances: InstanceInfo[];
  refreshMs: number;
  /** Labels of saved settings that wait for a restart. */
  pendingRestart: string[];
  failedRestore?: FailedRestore;
}) {
  const { t, adminPath } = props.page;
  return (
    <ConsoleLayout page={props.page} tab="dashboard" charts>
      <RestartPendingNotice page={props.page} names={props.pendingRestart} linkToSettings />
      <AlertBanner page={props.page} alerts={props.alerts} />
      {props.failedRestore && (
        <FailedRestoreNotice page={props.page} failed={props.failedRestore}>
          <a href={`${adminPath}/backups`}>{t("backups.failedSeeBackups")}</a>
        </FailedRestoreNotice>
      )}
      <SummaryCards page={props.page} summary={props.summary} />
      <PendingRequests page={props.page} requests={props.requests} />
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
            <p class="muted chart-figures" data-figures={t("dashboard.figures")} />
          </figure>
        ))}
      </section>
      <p>
        <a href={`${adminPath}/statistics#load-history`}>{t("dashboard.loadHistory")}</a>
      </p>
      <InstancesSection page={props.page} instances={props.instances} />
    </ConsoleLayout>
  );
}
