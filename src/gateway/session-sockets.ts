// The WebSockets open through the relay, by the session cookie and address that opened
// them. A socket outlives the request that checked its session, so when users or sessions change
// (a revoke, a sign-out, a disabled user) each one is checked again and closed if its session no
// longer holds; a periodic check catches changes made from outside (the CLI, another gateway).

interface OpenSocket {
  token: string;
  address: string;
  close: () => void;
}

export class SessionSockets {
  private readonly open = new Set<OpenSocket>();
  private checking: Promise<void> | undefined;
  private again = false;

  constructor(private readonly stillValid: (token: string, address: string) => Promise<boolean>) {}

  /** Registers an open socket; the returned function forgets it when it closes. */
  add(token: string, address: string, close: () => void): () => void {
    const entry = { token, address, close };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  get size(): number {
    return this.open.size;
  }

  /** Checks every open socket's session, one check at a time; a call during a check runs one more after it. */
  recheck(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        for (const entry of [...this.open]) {
          if (await this.stillValid(entry.token, entry.address).catch(() => true)) continue;
          this.open.delete(entry);
          entry.close();
        }
      } while (this.again);
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Checks every `intervalMs` while sockets are open; returns the function that stops it. */
  every(intervalMs: number): () => void {
    const timer = setInterval(() => {
      if (this.open.size > 0) void this.recheck();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
