import { formatDateTime } from "../../src/i18n/format";
import { auditActionText } from "../../src/i18n/messages";
import { TableHead } from "../form";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";

export interface AuditEntry {
  at: Date;
  actor: string;
  address: string;
  action: string;
  target: string;
  detail: string;
}

export interface AuditFilter {
  actor: string;
  action: string;
}

export function AuditPage(props: { page: PageContext; filter: AuditFilter; entries: AuditEntry[]; /** Older matching entries exist. */ more: boolean }) {
  const { t, locale, adminPath } = props.page;
  return (
    <ConsoleLayout page={props.page} tab="audit">
      <form method="get" action={`${adminPath}/audit`} class="range card">
        <label for="field-actor">{t("audit.actor")}</label>
        <input id="field-actor" name="actor" value={props.filter.actor} maxlength={64} />
        <label for="field-action">{t("audit.action")}</label>
        <input id="field-action" name="action" value={props.filter.action} maxlength={64} />
        <button type="submit">{t("audit.filter")}</button>
      </form>
      <section class="card" id="audit">
        {props.entries.length > 0 && (
          <p class="muted" id="audit-count">
            {props.more ? t("audit.latest", { count: props.entries.length }) : t("audit.count", { count: props.entries.length })}
          </p>
        )}
        {props.entries.length === 0 ? (
          <p class="muted">{t("audit.none")}</p>
        ) : (
          <table>
            <TableHead labels={[t("audit.when"), t("audit.actor"), t("audit.address"), t("audit.action"), t("audit.target"), t("audit.detail")]} />
            <tbody>
              {props.entries.map((entry) => (
                <tr>
                  <td>{formatDateTime(entry.at, locale)}</td>
                  <td>{entry.actor}</td>
                  <td class="address">{entry.address}</td>
                  <td>
                    {auditActionText(t, entry.action)} <span class="muted">{entry.action}</span>
                  </td>
                  <td>{entry.target}</td>
                  <td>{entry.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </ConsoleLayout>
  );
}

/** The gateway log's tail, refreshed by htmx while the page is open. */
export function LogTail(props: { page: PageContext; lines: string[] }) {
  const { t, adminPath } = props.page;
  return (
    <section class="card" id="log-tail" hx-get={`${adminPath}/fragments/logs`} hx-trigger="every 5s" hx-swap="outerHTML">
      <p class="muted">{t("logs.latest", { count: props.lines.length })}</p>
      {/* It scrolls, so keyboard users must be able to focus it to scroll it. */}
      <pre id="gateway-log" tabindex={0}>
        {props.lines.join("\n")}
      </pre>
    </section>
  );
}

export function LogsPage(props: { page: PageContext; lines: string[] }) {
  return (
    <ConsoleLayout page={props.page} tab="logs">
      <LogTail page={props.page} lines={props.lines} />
    </ConsoleLayout>
  );
}
