// Server-side sessions: revocable by the admin, bound to the address they were created from,
// ended by idle and absolute timeouts, and kept in the database so a restart keeps them.
import { type SQL, and, count, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { createHash, randomBytes } from "node:crypto";
import { type Actor, recordAudit } from "../audit";
import { isDiskFull } from "../db/disk-full";
import { SessionClock } from "./session-clock";
import type { Database } from "../db/open";
import { sessions, users } from "../db/schema";

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface ActiveSession {
  id: number;
  userId: number;
  address: string;
  userAgent: string;
  method: "address" | "password";
  /** Started by a page (a visit) or by a script (promoteToVisit when its page opens the app). */
  startedBy: "page" | "script";
  createdAt: Date;
  lastSeenAt: Date;
}

export type SessionLookup =
  | { ok: true; session: ActiveSession }
  | { ok: false; reason: "unknown" | "ended" | "revoked" | "idle" | "expired" | "other-address" | "disabled" };

/** Writing last-seen on every request would make every page view a database write. */
const TOUCH_INTERVAL_MS = 30_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class SessionStore {
  /** Timeouts are judged with wall-clock jumps taken out (see session-clock.ts). */
  private readonly clock = new SessionClock();

  constructor(
    private readonly db: Database,
    private readonly policy: SessionPolicy,
  ) {}

  async create(
    userId: number,
    address: string,
    userAgent: string,
    method: ActiveSession["method"],
    actor: Actor,
    startedBy: "page" | "script" = "page",
  ): Promise<{ token: string; id: number }> {
    const token = randomBytes(32).toString("base64url");
    const now = new Date();
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(sessions)
        .values({ tokenHash: hashToken(token), userId, address, userAgent: userAgent.slice(0, 300), method, startedBy, createdAt: now, lastSeenAt: now })
        .returning({ id: sessions.id });
      await recordAudit(tx, actor, method === "password" ? "login" : "session.start", actor.name, `session=${row!.id}`);
      // A visit is a session a page started; a script's is counted apart (promoteToVisit may move it).
      const [visits, scripts] = startedBy === "page" ? [1, 0] : [0, 1];
      await tx.run(sql`INSERT INTO usage_days (day, user_id, visits, script_sessions)
        VALUES (date(${now.getTime()} / 1000, 'unixepoch', 'localtime'), ${userId}, ${visits}, ${scripts})
        ON CONFLICT (day, user_id) DO UPDATE SET visits = visits + ${visits}, script_sessions = script_sessions + ${scripts}`);
      return row!.id;
    });
    this.clock.created(id);
    return { token, id };
  }

  /**
   * A session a script started whose page has now opened the app (its WebSocket): it is a visit
   * after all, counted on the day it started. Nothing happens for a session that already is one.
   */
  async promoteToVisit(sessionId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const promoted = await tx
        .update(sessions)
        .set({ startedBy: "page" })
        .where(and(eq(sessions.id, sessionId), eq(sessions.startedBy, "script")))
        .returning({ userId: sessions.userId, createdAt: sessions.createdAt });
      const [row] = promoted;
      if (!row) return;
      await tx.run(sql`UPDATE usage_days SET visits = visits + 1, script_sessions = max(0, script_sessions - 1)
        WHERE day = date(${row.createdAt.getTime()} / 1000, 'unixepoch', 'localtime') AND user_id = ${row.userId}`);
    });
  }

  /** Finds the open session for a cookie token, ending it if a timeout has passed. */
  async lookup(token: string, address: string): Promise<SessionLookup> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "unknown" };
    const [row] = await this.db
      .select({ session: sessions, enabled: users.enabled })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, hashToken(token)));
    if (!row) return { ok: false, reason: "unknown" };
    const { session } = row;
    if (session.endedAt) {
      const reason = session.endReason;
      return { ok: false, reason: reason === "revoked" || reason === "idle" || reason === "expired" ? reason : "ended" };
    }
    if (this.timedOut(session, "expired")) {
      await this.end(session.id, "expired");
      return { ok: false, reason: "expired" };
    }
    if (this.timedOut(session, "idle")) {
      await this.end(session.id, "idle");
      return { ok: false, reason: "idle" };
    }
    if (!row.enabled) {
      await this.end(session.id, "disabled");
      return { ok: false, reason: "disabled" };
    }
    // A cookie copied to another machine is worthless there; the session itself stays valid for its owner.
    if (session.address !== address) return { ok: false, reason: "other-address" };
    if (this.clock.now(session.id, "lastSeen") - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      try {
        const now = new Date();
        await this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id));
        this.clock.lastSeenWritten(session.id, this.policy.idleMs);
        session.lastSeenAt = now;
      } catch (error) {
        // On a full disk the session still lets its owner read (the admin must reach the alert); the touch waits for space.
        if (!isDiskFull(error)) throw error;
      }
    }
    return { ok: true, session: toActiveSession(session) };
  }

  async end(id: number, reason: string): Promise<boolean> {
    this.clock.forget(id);
    const ended = await this.db
      .update(sessions)
      .set({ endedAt: new Date(), endReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
      .returning({ id: sessions.id });
    return ended.length > 0;
  }

  async revoke(id: number, actor: Actor): Promise<boolean> {
    this.clock.forget(id);
    return this.db.transaction(async (tx) => {
      const ended = await tx
        .update(sessions)
        .set({ endedAt: new Date(), endReason: "revoked" })
        .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
        .returning({ id: sessions.id, userId: sessions.userId });
      if (ended.length === 0) return false;
      const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, ended[0]!.userId));
      await recordAudit(tx, actor, "session.revoke", user?.name ?? "", `session=${id}`);
      return true;
    });
  }

  async countCreatedSince(since: Date): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(sessions).where(gte(sessions.createdAt, since));
    return row?.n ?? 0;
  }

  /** Open sessions, newest first, with timed-out ones closed on the way. */
  async listOpen(): Promise<(ActiveSession & { userName: string; role: "admin" | "user" })[]> {
    const now = Date.now();
    await this.endTimedOut("idle", lt(sessions.lastSeenAt, new Date(now - this.policy.idleMs)));
    await this.endTimedOut("expired", lt(sessions.createdAt, new Date(now - this.policy.maxMs)));
    const rows = await this.db
      .select({ session: sessions, userName: users.name, role: users.role })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(isNull(sessions.endedAt))
      .orderBy(desc(sessions.createdAt));
    return rows.map(({ session, userName, role }) => ({ ...toActiveSession(session), userName, role }));
  }

  /** Whether a timeout has passed, on the wall clock with any jump since the stored time was stamped taken out. */
  private timedOut(session: { id: number; createdAt: Date; lastSeenAt: Date }, kind: "idle" | "expired"): boolean {
    return kind === "idle"
      ? this.clock.now(session.id, "lastSeen") - session.lastSeenAt.getTime() > this.policy.idleMs
      : this.clock.now(session.id, "created") - session.createdAt.getTime() > this.policy.maxMs;
  }

  /** Ends the open sessions the wall clock says have timed out, unless that is a jump of the clock. */
  private async endTimedOut(reason: "idle" | "expired", wallClockSays: SQL): Promise<void> {
    const candidates = await this.db
      .select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
      .from(sessions)
      .where(and(isNull(sessions.endedAt), wallClockSays));
    const ids = candidates.filter((session) => this.timedOut(session, reason)).map((session) => session.id);
    if (ids.length === 0) return;
    for (const id of ids) this.clock.forget(id);
    await this.db
      .update(sessions)
      .set({ endedAt: new Date(), endReason: reason })
      .where(and(isNull(sessions.endedAt), inArray(sessions.id, ids)));
  }
}

function toActiveSession(row: typeof sessions.$inferSelect): ActiveSession {
  const { id, userId, address, userAgent, method, startedBy, createdAt, lastSeenAt } = row;
  return { id, userId, address, userAgent, method, startedBy, createdAt, lastSeenAt };
}
