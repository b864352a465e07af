import type { Child } from "hono/jsx";
import { assetUrl } from "../../src/http/static-assets";
import { Layout, type PageContext } from "../layout";

export type ConsoleTab = "dashboard" | "access" | "sessions" | "statistics" | "audit" | "logs" | "backups" | "settings";

const TABS: { tab: ConsoleTab; path: string }[] = [
  { tab: "dashboard", path: "" },
  { tab: "access", path: "/access" },
  { tab: "sessions", path: "/sessions" },
  { tab: "statistics", path: "/statistics" },
  { tab: "audit", path: "/audit" },
  { tab: "logs", path: "/logs" },
  { tab: "backups", path: "/backups" },
  { tab: "settings", path: "/settings" },
];

/**
 * How many access requests wait, on the menu's "Users and access" tab; always present (empty when
 * none) so an approve or reject can update it out of band.
 */
export function PendingBadge(props: { page: PageContext; count: number; outOfBand?: boolean }) {
  const oob = props.outOfBand ? "true" : undefined;
  if (props.count === 0) return <span id="pending-badge" hx-swap-oob={oob} />;
  return (
    <span class="badge count" id="pending-badge" hx-swap-oob={oob}>
      {props.page.t("console.pendingBadge", { count: props.count })}
    </span>
  );
}

/** Every console page: its tabs, and uPlot with the chart script where a page has charts. */
export function ConsoleLayout(props: { page: PageContext; tab: ConsoleTab; charts?: boolean; children: Child }) {
  const { t, adminPath } = props.page;
  const title = t(`console.${props.tab}`);
  const pending = props.page.pendingRequests ?? 0;
  return (
    <Layout page={props.page} title={title}>
      {props.charts && (
        <>
          <link rel="stylesheet" href={assetUrl("uPlot.min.css")} />
          <script src={assetUrl("uPlot.iife.min.js")} defer></script>
          <script src={assetUrl("admin-charts.js")} defer></script>
        </>
      )}
      <nav class="tabs" aria-label={t("admin.title")}>
        {TABS.map(({ tab, path }) => (
          <a href={`${adminPath}${path}`} aria-current={tab === props.tab ? "page" : undefined}>
            {t(`console.${tab}`)}
            {tab === "access" && <PendingBadge page={props.page} count={pending} />}
          </a>
        ))}
      </nav>
      <h1>{title}</h1>
      {props.children}
    </Layout>
  );
}
