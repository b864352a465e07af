// The audit trail would grow for ever (and an attacker can make it grow fast), so entries older
// than auditRetentionDays are removed: once at start and then every hour. 0 keeps everything.
import { lt } from "drizzle-orm";
import type { Database } from "./db/open";
import { auditLog } from "./db/schema";
import { createLogger } from "./log";

const log = createLogger("audit");
const HOUR_MS = 60 * 60 * 1000;

/** Removes the entries older than `days`; returns how many went. */
export async function pruneAudit(db: Database, days: number, now = Date.now()): Promise<number> {
  if (days <= 0) return 0;
  const removed = await db.delete(auditLog).where(lt(auditLog.at, new Date(now - days * 24 * HOUR_MS))).returning({ id: auditLog.id });
  return removed.length;
}

/** Prunes now and every hour with the setting as it is then; returns the function that stops it. */
export function keepAuditPruned(db: Database, days: () => number, everyMs = HOUR_MS): () => void {
  const run = () =>
    void pruneAudit(db, days())
      .then((removed) => removed > 0 && log.info("old audit entries removed", { removed, olderThanDays: days() }))
      .catch((error) => log.warn("pruning the audit trail failed", { error: String(error) }));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
