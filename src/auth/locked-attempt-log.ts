// While sign-in from an address is locked, every further attempt is refused at once, and an
// attacker can send hundreds a second, each with a new made-up name. Each one in the audit trail
// would bury the entries that matter and grow the database without bound, so an address's
// refused attempts are written at most once a minute, the entry counting those left out since.

/** Addresses remembered at most; past this the oldest are forgotten (and may be written again). */
const MAX_ADDRESSES = 10_000;

export class LockedAttemptLog {
  /** Per address: when its last entry was written, and attempts left out since. */
  private readonly last = new Map<string, { at: number; skipped: number }>();

  constructor(private readonly intervalMs = 60_000) {}

  /**
   * Whether this attempt gets an entry; if so, how many were left out before it. Attempts from
   * one address within the interval after a written one are only counted.
   */
  admit(address: string, now = Date.now()): { skipped: number } | undefined {
    const seen = this.last.get(address);
    if (seen && now - seen.at < this.intervalMs) {
      seen.skipped += 1;
      return undefined;
    }
    this.last.delete(address);
    if (this.last.size >= MAX_ADDRESSES) this.last.delete(this.last.keys().next().value!);
    this.last.set(address, { at: now, skipped: 0 });
    return { skipped: seen?.skipped ?? 0 };
  }
}
