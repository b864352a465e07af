// Identities confirmed by a full session lookup, kept for about a second so that a burst of
// requests (a page and its assets, a download, a load test) costs one lookup instead of three
// database queries each. What a second of caching may delay is bounded: the entry is only used
// from the address it was confirmed for, anything that changes users or sessions through this
// gateway empties the cache at once (see sessionMiddleware), and a change made from outside
// (the CLI, another gateway on a shared database) is seen within TTL_MS.
import type { Identity } from "./context";

export const IDENTITY_TTL_MS = 1000;
/** A flood of distinct cookies cannot grow the map without end: past this it starts over. */
const MAX_ENTRIES = 10_000;

interface Entry {
  identity: Identity;
  address: string;
  until: number;
}

export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by clear(): a lookup that began before a change must not put its answer back. */
  private generation = 0;

  constructor(private readonly ttlMs = IDENTITY_TTL_MS) {}

  // Timed on the monotonic clock: a wall clock set back (NTP, a resumed VM) must not keep a
  // revoked session's identity alive for as long as the jump.
  get(token: string, address: string, now = performance.now()): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.address === address ? entry.identity : undefined;
  }

  /** Taken before a lookup and handed to set() with its answer. */
  get version(): number {
    return this.generation;
  }

  set(token: string, address: string, identity: Identity, version: number, now = performance.now()): void {
    if (version !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, { identity, address, until: now + this.ttlMs });
  }

  /** Called after every clear(): what else depends on identities may look again. */
  onClear?: () => void;

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.onClear?.();
  }
}
