// The console's backups: the list, "back up now", and downloads. Behind requireAdmin().
import { basename } from "node:path";
import { Hono } from "hono";
import { type BackupPolicy, BackupsPage, BackupsSection } from "../../../views/admin/backups-page";
import { listBackups } from "../../db/backups";
import { PublicError } from "../../errors";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { requireAdmin } from "../identity";

function policy(c: GatewayContext): BackupPolicy {
  const { config, backups } = c.get("services");
  return { enabled: backups !== undefined, intervalMinutes: config.backupIntervalMinutes, keep: config.backupKeep };
}

export function adminBackupRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());

  app.get("/backups", (c) =>
    c.html(<BackupsPage page={pageContext(c)} backups={listBackups(c.get("services").config.data)} policy={policy(c)} />),
  );

  app.post("/backups", async (c) => {
    const { backups, config, audit } = c.get("services");
    if (!backups) throw new PublicError("the database is a remote libSQL server; back it up there", undefined, 409);
    const file = await backups.backUpNow();
    await audit(actorOf(c), "backup", basename(file));
    if (c.req.header("hx-request") !== "true") return c.redirect(`${config.adminPath}/backups`, 303);
    const page = pageContext(c);
    return c.html(
      <BackupsSection
        page={page}
        backups={listBackups(config.data)}
        policy={policy(c)}
        message={page.t("backups.done", { name: basename(file) })}
      />,
    );
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
