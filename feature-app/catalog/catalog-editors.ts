// Who may change the team's catalog (import, make a version current): admins, and users an admin
// marked "catalog editor". The instance runs for one user, but the flag is read from the gateway's
// users table on every such request, so a change in the console or the CLI applies at once.
// Changes are written to the gateway's audit trail (same table, same transaction) and logged.
import { sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { auditLog, users } from "../../src/db/schema";
import { createLogger } from "../../src/log";
import type { AppEnv } from "../context";
import type { FeatureDatabase } from "../db/connection";
import type { Transaction } from "./catalog-store";
import { appInEnglish } from "../messages";
import { errorAnswer } from "../views/app-layout";

const log = createLogger("catalog");

export async function mayEditCatalog(db: FeatureDatabase, user: string): Promise<boolean> {
  const [row] = await db
    .select({ role: users.role, editor: users.catalogEditor, enabled: users.enabled })
    .from(users)
    .where(sql`lower(${users.name}) = lower(${user})`);
  return row?.enabled === true && (row.role === "admin" || row.editor);
}

/** Whether this request's user may change the catalog, read now. */
export function canEdit(c: Context<AppEnv>): Promise<boolean> {
  const { db, assignment } = c.var.services;
  return mayEditCatalog(db, assignment().user);
}

/** 403 with the reason (JSON for the API, a page or fragment otherwise) for everyone but editors. */
export function requireCatalogEditor(): MiddlewareHandler<AppEnv> {
  return async function catalogEditorsOnly(c, next) {
    if (await canEdit(c)) return next();
    // Scripts read English, as every other API answer.
    const reason = c.req.path.startsWith("/app/api/") ? appInEnglish("governance.forbidden") : c.var.appT("governance.forbidden");
    return errorAnswer(c, 403, reason);
  };
}

/** Who changed the catalog and from where: the gateway passes the client's address on. */
export function catalogActor(c: Context<AppEnv>) {
  return { name: c.var.services.assignment().user, address: c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "" };
}

/** One audit row (inside the caller's transaction when given one) and one log line. */
export async function auditCatalog(db: FeatureDatabase | Transaction, c: Context<AppEnv>, action: string, target: string, detail: string): Promise<void> {
  const actor = catalogActor(c);
  await db.insert(auditLog).values({ actor: actor.name, address: actor.address, action, target, detail });
  log.info(action, { user: actor.name, address: actor.address, target, detail });
}
