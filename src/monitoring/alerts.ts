// Thresholds that must stay crossed for a while before they alert (a single busy second is not
// an incident); failed instances alert at once. New alerts go to the log and, if configured, to
// a Teams/Slack-style incoming webhook.
import { createLogger } from "../log";

const log = createLogger("alerts");

export type AlertKind = "cpu" | "memory" | "disk" | "disk-full" | "failed-instances";

export interface Alert {
  kind: AlertKind;
  since: Date;
  value: number;
  threshold: number;
}

export interface AlertPolicy {
  cpuPercent: number;
  memoryPercent: number;
  diskPercent: number;
  forMs: number;
  webhookUrl?: string;
}

export interface AlertReading {
  cpuPercent: number;
  memoryPercent: number;
  diskPercent: number | null;
  failedInstances: number;
}

export class AlertMonitor {
  private readonly crossedSince = new Map<AlertKind, number>();
  private readonly active = new Map<AlertKind, Alert>();

  constructor(private readonly policy: AlertPolicy) {}

  current(): Alert[] {
    return [...this.active.values()];
  }

  evaluate(reading: AlertReading, now = Date.now()): void {
    this.check("cpu", reading.cpuPercent, this.policy.cpuPercent, now, this.policy.forMs);
    this.check("memory", reading.memoryPercent, this.policy.memoryPercent, now, this.policy.forMs);
    if (reading.diskPercent !== null) this.check("disk", reading.diskPercent, this.policy.diskPercent, now, this.policy.forMs);
    this.check("failed-instances", reading.failedInstances, 1, now, 0);
  }

  /**
   * A condition that is an incident the moment it is seen (the disk is full: saves are failing
   * now): active at once, logged and sent once; `value` is refreshed while it lasts.
   */
  raise(kind: AlertKind, value: number, threshold: number, now = Date.now()): void {
    const existing = this.active.get(kind);
    const alert = { kind, since: existing?.since ?? new Date(now), value, threshold };
    this.active.set(kind, alert);
    if (existing) return;
    log.error("alert", { kind, value, threshold, since: alert.since.toISOString() });
    void this.notify(alert);
  }

  clear(kind: AlertKind, value: number): void {
    if (this.active.delete(kind)) log.info("alert cleared", { kind, value });
  }

  private check(kind: AlertKind, value: number, threshold: number, now: number, forMs: number): void {
    if (value < threshold) {
      this.crossedSince.delete(kind);
      if (this.active.delete(kind)) log.info("alert cleared", { kind, value });
      return;
    }
    const since = this.crossedSince.get(kind) ?? now;
    this.crossedSince.set(kind, since);
    const alert = { kind, since: new Date(since), value, threshold };
    if (this.active.has(kind)) {
      this.active.set(kind, alert);
      return;
    }
    if (now - since < forMs) return;
    this.active.set(kind, alert);
    log.warn("alert", { kind, value, threshold, since: alert.since.toISOString() });
    void this.notify(alert);
  }

  /**
   * Something the admin must hear of at once rather than a threshold (a feature app restarted for
   * its memory or for not answering): logged and sent to the webhook like an alert.
   */
  announce(message: string, fields: Record<string, unknown>): void {
    log.warn(message, fields);
    const details = Object.entries(fields).map(([key, value]) => `${key}=${value}`);
    void this.post(`5G Feature Manager: ${message} (${details.join(", ")})`);
  }

  private notify(alert: Alert): Promise<void> {
    return this.post(`5G Feature Manager alert: ${alert.kind} at ${alert.value} (threshold ${alert.threshold}) since ${alert.since.toISOString()}`);
  }

  private async post(text: string): Promise<void> {
    if (!this.policy.webhookUrl) return;
    try {
      const response = await fetch(this.policy.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) log.warn("alert webhook answered with an error", { status: response.status });
    } catch (error) {
      log.warn("alert webhook failed", { error });
    }
  }
}
