import { basename } from "node:path";
import type { BackupFile } from "../../src/db/backups";
import type { FailedRestore, PendingRestore } from "../../src/db/restore";
import { formatDateTime } from "../../src/i18n/format";
import { ActionButton, StatusNotice, TableHead } from "../form";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";

export interface BackupPolicy {
  enabled: boolean;
  intervalMinutes: number;
  keep: number;
}

/** Stays on the Backups page and the dashboard until an administrator dismisses it here. */
export function FailedRestoreNotice(props: { page: PageContext; failed: FailedRestore; children: unknown }) {
  const { t, locale } = props.page;
  const { failed } = props;
  return (
    <div class="notice bad card" id="restore-failed" role="alert">
      <p>
        {t("backups.failed", { name: basename(failed.file), by: failed.requestedBy, at: formatDateTime(new Date(failed.failedAt), locale), reason: failed.reason })}
      </p>
      {props.children}
    </div>
  );
}

export function BackupsSection(props: {
  page: PageContext;
  backups: BackupFile[];
  policy: BackupPolicy;
  pending?: PendingRestore;
  failed?: FailedRestore;
  message?: string;
}) {
  const { t, locale, adminPath } = props.page;
  const { policy } = props;
  return (
    <section class="card" id="backups">
      <p>{t("backups.intro")}</p>
      <p class="muted">
        {!policy.enabled
          ? t("backups.remote")
          : policy.intervalMinutes > 0
            ? t("backups.schedule", { minutes: policy.intervalMinutes, keep: policy.keep })
            : t("backups.off")}
      </p>
      <StatusNotice message={props.message} />
      {props.failed && (
        <FailedRestoreNotice page={props.page} failed={props.failed}>
          <ActionButton action={`${adminPath}/backups-restore/dismiss`} target="#backups" label={t("backups.dismiss")} secondary />
        </FailedRestoreNotice>
      )}
      {props.pending && (
        <div class="notice warn card" id="restore-pending" role="status">
          <p>{t("backups.pending", { name: basename(props.pending.file), by: props.pending.requestedBy })}</p>
          <ActionButton action={`${adminPath}/backups-restore/cancel`} target="#backups" label={t("backups.cancel")} secondary />
        </div>
      )}
      {policy.enabled && <ActionButton action={`${adminPath}/backups`} target="#backups" label={t("backups.now")} />}
      {props.backups.length === 0 ? (
        <p class="muted">{t("backups.none")}</p>
      ) : (
        <table>
          <TableHead labels={[t("backups.file"), t("backups.when"), t("backups.size"), ""]} />
          <tbody>
            {props.backups.map((backup) => (
              <tr>
                <td>{backup.name}</td>
                <td>{formatDateTime(backup.createdAt, locale)}</td>
                <td>{Math.max(1, Math.round(backup.bytes / 1024))} KB</td>
                <td class="actions">
                  <a href={`${adminPath}/backups/${encodeURIComponent(backup.name)}`} download>
                    {t("backups.download")}
                  </a>{" "}
                  <ActionButton
                    action={`${adminPath}/backups/${encodeURIComponent(backup.name)}/restore`}
                    target="#backups"
                    label={t("backups.restore")}
                    confirm={t("backups.restoreConfirm", { name: backup.name })}
                    secondary
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function BackupsPage(props: {
  page: PageContext;
  backups: BackupFile[];
  policy: BackupPolicy;
  pending?: PendingRestore;
  failed?: FailedRestore;
}) {
  return (
    <ConsoleLayout page={props.page} tab="backups">
      <BackupsSection {...props} />
    </ConsoleLayout>
  );
}
