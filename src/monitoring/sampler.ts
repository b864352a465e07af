// Every few seconds: system load, the gateway's own memory and event-loop lag, request rate and
// proxy latency, open WebSockets and the instances' memory — written to metric_samples (kept 24 h)
// and folded into hourly rollups (kept 90 days), so storage stays bounded. Each gateway sharing the
// database samples its own machine and charts only its own samples.
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { DISK_FULL_FREE_BYTES, freeBytes, isDiskFull } from "../db/disk-full";
import type { Database } from "../db/open";
import { metricHours, metricSamples } from "../db/schema";
import { type InstancePool, isRunningUserApp } from "../instances/instance-pool";
import { createLogger } from "../log";
import { type Alert, AlertMonitor, type AlertPolicy } from "./alerts";
import { HOUR_MS, type LoadHour, type LoadSpan, hourlyFigures, loadHistory, sampleHour } from "./load-history";
import { RequestStats } from "./request-stats";
import { SystemLoad } from "./system-load";

const log = createLogger("monitoring");

const RAW_RETENTION_MS = 24 * HOUR_MS;
const HOURLY_RETENTION_MS = 90 * 24 * HOUR_MS;

export type Sample = typeof metricSamples.$inferSelect;

export interface SamplerOptions {
  db: Database;
  pool: InstancePool;
  dataDir: string;
  /** This gateway's node id: its samples are kept and read apart from other gateways'. */
  nodeId: string;
  intervalMs: number;
  alerts: AlertPolicy;
}

export class MetricsSampler {
  readonly requests = new RequestStats();
  private readonly load = new SystemLoad();
  private readonly alertMonitor: AlertMonitor;
  private timer: Timer | null = null;
  private lastRollupHour = 0;
  private latestSample: Sample | null = null;

  constructor(private readonly options: SamplerOptions) {
    this.alertMonitor = new AlertMonitor(options.alerts);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick().catch((error) => log.error("sampling failed", { error })), this.options.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.load.stop();
  }

  latest(): Sample | null {
    return this.latestSample;
  }

  alerts(): Alert[] {
    return this.alertMonitor.current();
  }

  /** A write just failed for lack of space (here or reported by a request): the admin hears of it now, not at the next tick. */
  diskFull(): void {
    this.alertMonitor.raise("disk-full", megabytesFree(this.options.dataDir), 0);
  }

  /** An event the admin must hear of at once (see AlertMonitor.announce). */
  announce(message: string, fields: Record<string, unknown>): void {
    this.alertMonitor.announce(message, fields);
  }

  /**
   * Samples and hours written before gateways had node ids (''), by the one gateway there was, become
   * this gateway's, so its charts keep their history; the first gateway to start after the upgrade takes them.
   */
  async adoptUnowned(): Promise<void> {
    const { db, nodeId } = this.options;
    await db.update(metricSamples).set({ nodeId }).where(eq(metricSamples.nodeId, ""));
    await db.update(metricHours).set({ nodeId }).where(eq(metricHours.nodeId, ""));
  }

  /** This gateway's samples since a moment, oldest first (for the live charts). */
  async since(from: Date): Promise<Sample[]> {
    const { db, nodeId } = this.options;
    return db.select().from(metricSamples).where(and(eq(metricSamples.nodeId, nodeId), gte(metricSamples.at, from))).orderBy(asc(metricSamples.at));
  }

  /** This gateway's load hour by hour over a span, oldest first (for the load history). */
  async hours(span: LoadSpan, now = Date.now()): Promise<LoadHour[]> {
    return loadHistory(this.options.db, this.options.nodeId, span, now);
  }

  async tick(now = new Date()): Promise<Sample> {
    const memory = this.load.memory();
    const instances = this.options.pool.list();
    const window = this.requests.drain();
    const sample: Sample = {
      nodeId: this.options.nodeId,
      at: now,
      cpuPercent: this.load.cpuPercent(),
      memoryUsedBytes: memory.usedBytes,
      memoryTotalBytes: memory.totalBytes,
      gatewayRssBytes: process.memoryUsage.rss(),
      eventLoopLagMs: this.load.eventLoopLagMs(),
      ...window,
      // The pool counts each instance's sockets; the total is theirs added up.
      openWebSockets: instances.reduce((sum, i) => sum + i.openWebSockets, 0),
      instancesRunning: instances.filter(isRunningUserApp).length,
      instancesRssBytes: instances.reduce((sum, i) => sum + (i.rssBytes ?? 0), 0),
    };
    // The sample is also this gateway's probe of its disk: a write refused for space raises the alert.
    let refused = false;
    try {
      await this.options.db.insert(metricSamples).values(sample).onConflictDoNothing();
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      refused = true;
    }
    const free = freeBytes(this.options.dataDir);
    if (refused || (free !== null && free < DISK_FULL_FREE_BYTES)) this.diskFull();
    else this.alertMonitor.clear("disk-full", megabytesFree(this.options.dataDir));
    this.latestSample = sample;
    this.alertMonitor.evaluate({
      cpuPercent: sample.cpuPercent,
      memoryPercent: Math.round((sample.memoryUsedBytes / sample.memoryTotalBytes) * 1000) / 10,
      diskPercent: this.load.diskPercent(this.options.dataDir),
      failedInstances: instances.filter((i) => i.state === "failed").length,
    });
    if (!refused) await this.rollUp(now.getTime());
    return sample;
  }

  /** Completed hours become one row each; raw samples older than a day and rollups older than 90 days go. */
  private async rollUp(now: number): Promise<void> {
    const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
    if (currentHour === this.lastRollupHour) return;
    this.lastRollupHour = currentHour;
    const { db } = this.options;
    await db.transaction(async (tx) => {
      // Every gateway's completed hours: one that has gone away leaves its samples rolled up too.
      const hours = await tx
        .select({ nodeId: metricSamples.nodeId, hour: sampleHour.as("hour"), ...hourlyFigures })
        .from(metricSamples)
        .where(lt(metricSamples.at, new Date(currentHour)))
        .groupBy(sql`1`, sql`2`);
      for (const row of hours) {
        const values = { ...row, hour: new Date(Number(row.hour)) };
        await tx.insert(metricHours).values(values).onConflictDoUpdate({ target: [metricHours.nodeId, metricHours.hour], set: values });
      }
      await tx.delete(metricSamples).where(lt(metricSamples.at, new Date(now - RAW_RETENTION_MS)));
      await tx.delete(metricHours).where(and(lt(metricHours.hour, new Date(now - HOURLY_RETENTION_MS))));
    });
  }
}

function megabytesFree(dataDir: string): number {
  return Math.round(((freeBytes(dataDir) ?? 0) / 2 ** 20) * 10) / 10;
}
