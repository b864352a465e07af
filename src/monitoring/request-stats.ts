// Requests counted and proxy latencies kept between two samples; a sample drains them.
const MAX_LATENCIES = 20_000;

export interface RequestWindow {
  requestsPerSecond: number;
  proxyP50Ms: number | null;
  proxyP95Ms: number | null;
  proxyP99Ms: number | null;
}

export class RequestStats {
  private count = 0;
  private latencies: number[] = [];
  private since = performance.now();

  /** A request the gateway answered itself: it counts towards the rate only. */
  counted(): void {
    this.count++;
  }

  /** A request to a feature app, with how long its answer took to start. */
  relayed(durationMs: number): void {
    this.count++;
    // Past the cap, keep a fair sample rather than every value (reservoir sampling).
    if (this.latencies.length < MAX_LATENCIES) this.latencies.push(durationMs);
    else {
      const slot = Math.floor(Math.random() * this.count);
      if (slot < MAX_LATENCIES) this.latencies[slot] = durationMs;
    }
  }

  drain(): RequestWindow {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.since) / 1000);
    const sorted = this.latencies.sort((a, b) => a - b);
    const quantile = (q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : null);
    const window = {
      requestsPerSecond: round(this.count / seconds),
      proxyP50Ms: quantile(0.5),
      proxyP95Ms: quantile(0.95),
      proxyP99Ms: quantile(0.99),
    };
    this.count = 0;
    this.latencies = [];
    this.since = now;
    return window;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
