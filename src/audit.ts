// The audit trail: who did what, from where, when. Written inside the same transaction as the
// change it records, so the trail never disagrees with the data.
import { and, desc, inArray, or, sql } from "drizzle-orm";
import type { Database } from "./db/open";
import { auditLog } from "./db/schema";
import { auditActionsDescribedBy } from "./i18n/messages";

export interface Actor {
  /** A user name, "cli" for the command line, or "anonymous". */
  name: string;
  /** The client address, or "cli". */
  address: string;
}

export const CLI_ACTOR: Actor = { name: "cli", address: "cli" };

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export async function recordAudit(
  db: Database | Tx,
  actor: Actor,
  action: string,
  target = "",
  detail = "",
): Promise<void> {
  await db.insert(auditLog).values({ actor: actor.name, address: actor.address, action, target, detail });
}

/**
 * The newest entries whose actor contains the given text and whose action contains it, as a code
 * or in its description (English or Korean); `more` says whether older matching entries exist.
 */
export async function listAudit(db: Database, filter: { actor: string; action: string }, limit = 500) {
  // instr, not LIKE: the filter text is matched literally, % and _ included.
  const contains = (column: typeof auditLog.actor | typeof auditLog.action, text: string) => sql`instr(lower(${column}), lower(${text})) > 0`;
  const conditions = [];
  if (filter.actor) conditions.push(contains(auditLog.actor, filter.actor));
  if (filter.action) {
    const described = auditActionsDescribedBy(filter.action);
    conditions.push(described.length ? or(contains(auditLog.action, filter.action), inArray(auditLog.action, described))! : contains(auditLog.action, filter.action));
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map(({ at, actor, address, action, target, detail }) => ({ at, actor, address, action, target, detail }));
  return { entries, more: rows.length > limit };
}
