// Wrong passwords are counted per user and address, and per address across all names, in the
// database; past the limit, sign-in is refused until the lockout ends, even with the right password.
import { and, count, desc, eq, gt } from "drizzle-orm";
import type { Database } from "../db/open";
import { loginFailures } from "../db/schema";

export interface ThrottlePolicy {
  maxFailures: number;
  lockoutMs: number;
}

/** One address guessing many names is locked at this multiple of the per-user limit. */
const ADDRESS_FACTOR = 3;

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
    const since = new Date(Date.now() - this.policy.lockoutMs);
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
    const since = new Date(Date.now() - this.policy.lockoutMs);
    const [{ n } = { n: 0 }] = await this.db
      .select({ n: count() })
      .from(loginFailures)
      .where(and(eq(loginFailures.name, key), eq(loginFailures.address, address), gt(loginFailures.at, since)));
    return Math.max(0, this.policy.maxFailures - n);
  }

  async clear(name: string, address: string): Promise<void> {
    await this.db
      .delete(loginFailures)
      .where(and(eq(loginFailures.name, name.trim().toLowerCase()), eq(loginFailures.address, address)));
  }
}
