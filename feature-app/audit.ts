// The feature app's entries in the gateway's audit trail (the same audit_log table, so the console
// shows them beside its own): who, from which address, what. Written in the transaction of the
// change when there is one, so the trail never disagrees with the data, and logged.
import type { Context } from "hono";
import { auditLog } from "../src/db/schema";
import { createLogger } from "../src/log";
import type { Transaction } from "./catalog/catalog-store";
import type { AppEnv } from "./context";
import type { FeatureDatabase } from "./db/connection";

const log = createLogger("feature-app");

export type AppAudit = (db: FeatureDatabase | Transaction, action: string, target: string, detail: string) => Promise<void>;

/** Records as this request's user, from the address the gateway passed on (it removes any the client sent). */
export function auditFor(c: Context<AppEnv>): AppAudit {
  const actor = c.var.services.assignment().user;
  const address = c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
  return async (db, action, target, detail) => {
    await db.insert(auditLog).values({ actor, address, action, target, detail });
    log.info(action, { user: actor, address, target, detail });
  };
}
