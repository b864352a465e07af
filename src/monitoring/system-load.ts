// System CPU and memory from os.cpus() deltas and os.totalmem/freemem, so Windows and Linux are
// measured the same way; event-loop lag from how late a steady timer fires.
import { cpus, freemem, totalmem } from "node:os";
import { statfsSync } from "node:fs";

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export class SystemLoad {
  private last = cpuTimes();
  private lagMs = 0;
  private readonly lagTimer: Timer;

  constructor() {
    const intervalMs = 500;
    let expected = performance.now() + intervalMs;
    this.lagTimer = setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(this.lagMs, now - expected);
      expected = now + intervalMs;
    }, intervalMs);
    this.lagTimer.unref();
  }

  /** CPU use since the previous call, 0–100. */
  cpuPercent(): number {
    const now = cpuTimes();
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    return total > 0 ? Math.round((1 - idle / total) * 1000) / 10 : 0;
  }

  memory(): { usedBytes: number; totalBytes: number } {
    const total = totalmem();
    return { usedBytes: total - freemem(), totalBytes: total };
  }

  /** The worst event-loop lag since the previous call, in ms. */
  eventLoopLagMs(): number {
    const lag = Math.round(this.lagMs * 10) / 10;
    this.lagMs = 0;
    return lag;
  }

  diskPercent(path: string): number | null {
    try {
      const stats = statfsSync(path);
      return stats.blocks > 0 ? Math.round((1 - stats.bavail / stats.blocks) * 1000) / 10 : null;
    } catch {
      return null;
    }
  }

  stop(): void {
    clearInterval(this.lagTimer);
  }
}
