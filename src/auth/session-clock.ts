// Session timeouts that a wall-clock jump cannot trip. Stored times stay wall-clock (people read
// them, other gateways share them), but for each session this gateway has seen, it also keeps
// when on the monotonic clock: a timeout then ends a session only if both clocks agree it has
// passed. So an NTP step, a VM resumed with a clock days ahead, or a PC's clock changed by hand
// does not end every session at once; a clock set back delays a timeout by at most the step.
interface Seen {
  /** The session's age by the wall clock when this gateway first saw it. */
  ageAtFirstSight: number;
  firstSight: number;
  lastSeen: number;
}

export class SessionClock {
  private readonly seen = new Map<number, Seen>();

  constructor(private readonly monotonic: () => number = () => performance.now()) {}

  /** The session was used now. */
  used(id: number, createdAt: Date, wallNow = Date.now()): void {
    const now = this.monotonic();
    const entry = this.seen.get(id);
    if (entry) entry.lastSeen = now;
    else this.seen.set(id, { ageAtFirstSight: Math.max(0, wallNow - createdAt.getTime()), firstSight: now, lastSeen: now });
  }

  /**
   * Whether a timeout the wall clock says has passed really has: true for a session this gateway
   * never saw (the wall clock is all there is), else by the monotonic clock.
   */
  confirms(id: number, kind: "idle" | "expired", limitMs: number): boolean {
    const entry = this.seen.get(id);
    if (!entry) return true;
    const now = this.monotonic();
    const elapsed = kind === "idle" ? now - entry.lastSeen : entry.ageAtFirstSight + (now - entry.firstSight);
    return elapsed > limitMs;
  }

  /** An ended session is forgotten, so the map holds no more than the open sessions seen here. */
  forget(id: number): void {
    this.seen.delete(id);
  }
}
