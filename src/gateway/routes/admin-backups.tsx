// The console's backups: the list, "back up now", and downloads. Behind requireAdmin().
import { basename } from "node:path";
import { Hono } from "hono";
import { type BackupPolicy, BackupsPage, BackupsSection } from "../../../views/admin/backups-page";
import { listBackups } from "../../db/backups";
import { cancelPendingRestore, checkBackup, dismissFailedRestore, failedRestore, pendingRestore, schedulePendingRestore } from "../../db/restore";
import { PublicError } from "../../errors";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { requireAdmin } from "../identity";
import { isHtmx } from "../../http/htmx";
import { countPendingRequests } from "../pending-requests";

function policy(c: GatewayContext): BackupPolicy {
  const { config, backups } = c.get("services");
  return { enabled: backups !== undefined, intervalMinutes: config.backupIntervalMinutes, keep: config.backupKeep };
}

export function adminBackupRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());
  app.use(countPendingRequests());

  app.get("/backups", (c) => {
    const { data } = c.get("services").config;
    return c.html(
      <BackupsPage page={pageContext(c)} backups={listBackups(data)} policy={policy(c)} pending={pendingRestore(data)} failed={failedRestore(data)} />,
    );
  });

  /** The backups section after a change: the fragment for htmx, else back to the page. */
  const answer = (c: GatewayContext, message?: string) => {
    const { config } = c.get("services");
    if (!isHtmx(c)) return c.redirect(`${config.adminPath}/backups`, 303);
    return c.html(
      <BackupsSection
        page={pageContext(c)}
        backups={listBackups(config.data)}
        policy={policy(c)}
        pending={pendingRestore(config.data)}
        failed={failedRestore(config.data)}
        message={message}
      />,
    );
  };

  // The restore itself needs the gateway stopped, so it is carried out at the next start.
  app.post("/backups/:name/restore", async (c) => {
    const { config, backups, audit } = c.get("services");
    if (!backups) throw new PublicError("the database is a remote libSQL server; restore it there", undefined, 409);
    const backup = listBackups(config.data).find((b) => b.name === c.req.param("name"));
    if (!backup) return c.notFound();
    await checkBackup(backup.path);
    const actor = actorOf(c);
    schedulePendingRestore(config.data, { file: backup.path, requestedBy: actor.name, requestedAt: new Date().toISOString() });
    await audit(actor, "backup.restore-scheduled", backup.name);
    return answer(c);
  });

  app.post("/backups-restore/cancel", async (c) => {
    const { config, audit } = c.get("services");
    const pending = pendingRestore(config.data);
    cancelPendingRestore(config.data);
    if (pending) await audit(actorOf(c), "backup.restore-cancelled", basename(pending.file));
    return answer(c);
  });

  // A restore that failed at start stays on show until an administrator has seen it.
  app.post("/backups-restore/dismiss", async (c) => {
    const { config, audit } = c.get("services");
    const failed = failedRestore(config.data);
    dismissFailedRestore(config.data);
    if (failed) await audit(actorOf(c), "backup.restore-failure-dismissed", basename(failed.file));
    return answer(c);
  });

  app.post("/backups", async (c) => {
    const { backups, audit } = c.get("services");
    if (!backups) throw new PublicError("the database is a remote libSQL server; back it up there", undefined, 409);
    const file = await backups.backUpNow();
    await audit(actorOf(c), "backup", basename(file));
    return answer(c, pageContext(c).t("backups.done", { name: basename(file) }));
  });

  // Only a name from the listing is served: nothing in the URL becomes a path by itself.
  app.get("/backups/:name", (c) => {
    const backup = listBackups(c.get("services").config.data).find((b) => b.name === c.req.param("name"));
    if (!backup) return c.notFound();
    return new Response(Bun.file(backup.path), {
      headers: {
        "content-type": "application/vnd.sqlite3",
        "content-disposition": `attachment; filename="${backup.name}"`,
      },
    });
  });
  return app;
}
