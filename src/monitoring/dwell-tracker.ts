// Dwell time: how long a session's feature app was actually open in a browser. A session's
// clock runs while at least one of its WebSockets is open through the gateway (several tabs
// count once), and each stretch is added to sessions.dwell_ms when it ends. Stretches are timed on
// the monotonic clock: a wall-clock jump while an app is open adds neither days nor nothing.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/open";
import { sessions } from "../db/schema";
import { createLogger } from "../log";

const log = createLogger("monitoring");

export class DwellTracker {
  private readonly open = new Map<number, { sockets: number; since: number }>();

  constructor(private readonly db: Database) {}

  opened(sessionId: number, now = performance.now()): void {
    const entry = this.open.get(sessionId);
    if (entry) entry.sockets++;
    else this.open.set(sessionId, { sockets: 1, since: now });
  }

  closed(sessionId: number, now = performance.now()): void {
    const entry = this.open.get(sessionId);
    if (!entry) return;
    entry.sockets--;
    if (entry.sockets > 0) return;
    this.open.delete(sessionId);
    void this.add(sessionId, now - entry.since);
  }

  /** Dwell so far of sessions whose app is open right now (not yet written). */
  running(sessionId: number, now = performance.now()): number {
    const entry = this.open.get(sessionId);
    return entry ? now - entry.since : 0;
  }

  /** On shutdown: every open stretch ends now. */
  async flush(now = performance.now()): Promise<void> {
    const pending = [...this.open.entries()];
    this.open.clear();
    await Promise.all(pending.map(([sessionId, entry]) => this.add(sessionId, now - entry.since)));
  }

  private async add(sessionId: number, ms: number): Promise<void> {
    const added = Math.max(0, Math.round(ms));
    try {
      await this.db.transaction(async (tx) => {
        await tx
          .update(sessions)
          .set({ dwellMs: sql`${sessions.dwellMs} + ${added}` })
          .where(eq(sessions.id, sessionId));
        // Dwell counts on the day the session started, like its visit.
        await tx.run(sql`UPDATE usage_days SET dwell_ms = dwell_ms + ${added}
          WHERE (day, user_id) = (SELECT date(created_at / 1000, 'unixepoch', 'localtime'), user_id FROM sessions WHERE id = ${sessionId})`);
      });
    } catch (error) {
      log.warn("could not record dwell time", { sessionId, error });
    }
  }
}
