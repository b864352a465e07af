// Session timeouts that a wall-clock jump cannot trip. Stored times stay wall-clock (people read
// them, other gateways share them). What moves when the wall clock jumps is its distance from the
// monotonic clock, which does not: remembered at each moment this gateway stamps a session (its
// creation, each last-seen write), it tells how far the wall clock has jumped since, and a timeout
// is judged on the wall clock with that jump taken back out. So an NTP step, a VM resumed with a
// clock days ahead, or a PC's clock set by hand neither ends every session nor keeps one alive.
// A session stamped elsewhere (before this start, or by another gateway) is judged against the
// jumps seen since this gateway started.

/** Differences below this are the clocks' ordinary drift and slewing: the wall clock is taken as it is. */
const JUMP_MS = 5_000;

interface Stamps {
  /** Wall minus monotonic when the session was created, and when its last-seen time was written. */
  created: number;
  lastSeen: number;
  /** Monotonic time of the last-seen write, to forget sessions long unused. */
  lastSeenAt: number;
}

export class SessionClock {
  private readonly stamps = new Map<number, Stamps>();
  private readonly atStart: number;
  private lastPrune = 0;

  constructor(
    private readonly wall: () => number = Date.now,
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    this.atStart = this.offset();
  }

  /** A session created now. */
  created(id: number): void {
    const offset = this.offset();
    this.stamps.set(id, { created: offset, lastSeen: offset, lastSeenAt: this.monotonic() });
  }

  /** Its last-seen time was just written. `idleLimitMs` lets the map drop sessions long unused, once a minute. */
  lastSeenWritten(id: number, idleLimitMs: number): void {
    const now = this.monotonic();
    const entry = this.stamps.get(id);
    if (entry) {
      entry.lastSeen = this.offset();
      entry.lastSeenAt = now;
    } else {
      this.stamps.set(id, { created: this.atStart, lastSeen: this.offset(), lastSeenAt: now });
    }
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      this.forgetUnused(idleLimitMs);
    }
  }

  /**
   * "Now" on the wall clock as it ran when the session's stored time was stamped: the wall clock
   * with every jump since taken out. Compare it with the stored createdAt or lastSeenAt.
   */
  now(id: number, stamp: "created" | "lastSeen"): number {
    const then = this.stamps.get(id)?.[stamp] ?? this.atStart;
    const jumped = this.offset() - then;
    return this.wall() - (Math.abs(jumped) < JUMP_MS ? 0 : jumped);
  }

  forget(id: number): void {
    this.stamps.delete(id);
  }

  private offset(): number {
    return this.wall() - this.monotonic();
  }

  /**
   * Sessions whose last-seen time was not written for a whole idle period (plus the time between
   * writes) are idle in fact; they are judged as stamped elsewhere from then on.
   */
  private forgetUnused(idleLimitMs: number): void {
    const now = this.monotonic();
    for (const [id, entry] of this.stamps) if (now - entry.lastSeenAt > idleLimitMs + 60_000) this.stamps.delete(id);
  }
}
