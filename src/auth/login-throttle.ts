// Wrong passwords are counted per user and address, and per address across all names, in the
// database; past the limit, sign-in is refused until the lockout ends, even with the right password.
// Failures are stamped with the wall clock (they must survive a restart): one stamped later than now
// was written before the clock was set back, and counts from now, so no lockout outlasts its length.
import { and, count, desc, eq, gt, lt, max } from "drizzle-orm";
import type { Database } from "../db/open";
import { loginFailures } from "../db/schema";

export interface ThrottlePolicy {
  maxFailures: number;
  lockoutMs: number;
}

/** One address guessing many names is locked at this multiple of the per-user limit. */
const ADDRESS_FACTOR = 3;

export interface Lockout {
  /** The name tried, or undefined when the address is locked for every name. */
  name?: string;
  address: string;
  failures: number;
  until: Date;
}

export class LoginThrottle {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly policy: ThrottlePolicy,
  ) {}

  /**
   * Runs one sign-in attempt from this address after the previous one has finished, so that
   * parallel guesses cannot all pass the lockout check before any failure is recorded.
   */
  async serialize<T>(address: string, attempt: () => Promise<T>): Promise<T> {
    const key = address;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(attempt, attempt);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  /** When sign-in from this address for this name opens again, or undefined if it is open now. */
  async lockedUntil(name: string, address: string): Promise<Date | undefined> {
    const since = await this.windowStart();
    const key = name.trim().toLowerCase();
    const forUser = await this.latestIfAtLeast(
      and(eq(loginFailures.name, key), eq(loginFailures.address, address), gt(loginFailures.at, since)),
      this.policy.maxFailures,
    );
    const forAddress = await this.latestIfAtLeast(
      and(eq(loginFailures.address, address), gt(loginFailures.at, since)),
      this.policy.maxFailures * ADDRESS_FACTOR,
    );
    const latest = [forUser, forAddress].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
    return latest ? new Date(latest.getTime() + this.policy.lockoutMs) : undefined;
  }

  private async latestIfAtLeast(where: ReturnType<typeof and>, threshold: number): Promise<Date | undefined> {
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(loginFailures).where(where);
    if (n < threshold) return undefined;
    const [latest] = await this.db.select({ at: loginFailures.at }).from(loginFailures).where(where).orderBy(desc(loginFailures.at)).limit(1);
    return latest?.at;
  }

  /** Records a failure; returns how many attempts are left before the lockout (0 = now locked). */
  async recordFailure(name: string, address: string): Promise<number> {
    const key = name.trim().toLowerCase();
    await this.db.insert(loginFailures).values({ name: key, address, at: new Date() });
    const since = await this.windowStart();
    // Failures that no longer count are forgotten, so the table holds one lockout window at most.
    await this.db.delete(loginFailures).where(lt(loginFailures.at, since));
    const [{ n } = { n: 0 }] = await this.db
      .select({ n: count() })
      .from(loginFailures)
      .where(and(eq(loginFailures.name, key), eq(loginFailures.address, address), gt(loginFailures.at, since)));
    return Math.max(0, this.policy.maxFailures - n);
  }

  /** Every lockout in force: a name at an address, or an address for all names. */
  async lockouts(): Promise<Lockout[]> {
    // A read for the console: failures stamped ahead are not re-stamped here (no write on a page
    // view), only shown as ending one lockout length from now at the latest.
    const now = Date.now();
    const since = new Date(now - this.policy.lockoutMs);
    const recent = gt(loginFailures.at, since);
    const columns = { address: loginFailures.address, failures: count(), latest: max(loginFailures.at) };
    const byName = await this.db
      .select({ name: loginFailures.name, ...columns })
      .from(loginFailures)
      .where(recent)
      .groupBy(loginFailures.name, loginFailures.address);
    const byAddress = await this.db.select(columns).from(loginFailures).where(recent).groupBy(loginFailures.address);
    const until = (latest: Date | null) => new Date(Math.min(latest?.getTime() ?? 0, now) + this.policy.lockoutMs);
    return [
      ...byAddress.filter((row) => row.failures >= this.policy.maxFailures * ADDRESS_FACTOR).map((row) => ({ ...row, until: until(row.latest) })),
      ...byName.filter((row) => row.failures >= this.policy.maxFailures).map((row) => ({ ...row, until: until(row.latest) })),
    ].map(({ latest: _latest, ...lockout }) => lockout);
  }

  /** Where the failures that still count begin; failures stamped in the future are re-stamped now first. */
  private async windowStart(): Promise<Date> {
    const now = new Date();
    await this.db.update(loginFailures).set({ at: now }).where(gt(loginFailures.at, now));
    return new Date(now.getTime() - this.policy.lockoutMs);
  }

  /** Lifts a lockout: the name's failures at the address, or, without a name, all of the address's. */
  async lift(address: string, name?: string): Promise<void> {
    if (name === undefined) await this.db.delete(loginFailures).where(eq(loginFailures.address, address));
    else await this.clear(name, address);
  }

  async clear(name: string, address: string): Promise<void> {
    await this.db
      .delete(loginFailures)
      .where(and(eq(loginFailures.name, name.trim().toLowerCase()), eq(loginFailures.address, address)));
  }
}
