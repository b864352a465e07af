// A feature app that is alive but does not answer (stopped with SIGSTOP, stuck in a loop, swapped
// out) never exits, so crash handling never sees it. The pool's health sampling tells this watch
// about every check; after enough missed checks in a row, over long enough that a busy app's
// slow stretch is not mistaken for a hang, the instance is unresponsive and must be restarted.

/** The lastError of an instance restarted for not answering; the relay shows its user a page saying so. */
export const UNRESPONSIVE_ERROR = "not answering its health checks; restarted";

export function isUnresponsiveError(lastError: string | null | undefined): boolean {
  return lastError === UNRESPONSIVE_ERROR;
}

/** Checks missed in a row before an instance counts as hung, however short hangMs is. */
const MIN_MISSES = 3;

export class HangWatch {
  private readonly firstMissAt = new Map<string, { at: number; misses: number }>();

  /** `hangMs()`: how long checks must go unanswered (read on each check: a live setting). */
  constructor(private readonly hangMs: () => number) {}

  answered(key: string): void {
    this.firstMissAt.delete(key);
  }

  /** Records a missed check; true when the instance is now unresponsive (the count starts over). */
  missed(key: string, now = Date.now()): boolean {
    const entry = this.firstMissAt.get(key) ?? { at: now, misses: 0 };
    entry.misses++;
    this.firstMissAt.set(key, entry);
    if (entry.misses < MIN_MISSES || now - entry.at < this.hangMs()) return false;
    this.firstMissAt.delete(key);
    return true;
  }
}
