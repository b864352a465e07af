// Who may change the team's catalog (import, make a version current): admins, and users an admin
// marked "catalog editor". The instance runs for one user, but the flag is read from the gateway's
// users table on every such request, so a change in the console or the CLI applies at once.
import { sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { users } from "../../src/db/schema";
import type { AppEnv } from "../context";
import type { FeatureDatabase } from "../db/connection";
import { appInEnglish } from "../messages";
import { errorAnswer } from "../views/app-layout";

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
