// Backups on a schedule: whenever the newest backup is older than the interval, a new one is
// taken and the oldest beyond `keep` are removed. Checked every minute (sooner for short
// intervals), so a gateway that was off when a backup was due catches up when it starts.
import type { Client } from "@libsql/client";
import { createLogger } from "../log";
import { listBackups, newBackupPath, pruneBackups, writeBackup } from "./backups";

const log = createLogger("backups");

export interface BackupScheduleOptions {
  client: Client;
  dataDir: string;
  intervalMs: number;
  keep: number;
}

export class BackupScheduler {
  private timer: Timer | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: BackupScheduleOptions) {}

  start(): void {
    if (this.options.intervalMs <= 0) return;
    const checkMs = Math.min(60_000, Math.max(1000, this.options.intervalMs / 4));
    this.timer = setInterval(() => void this.runIfDue(), checkMs);
    void this.runIfDue();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Takes a backup now (one at a time) and prunes; returns the new file's path. */
  async backUpNow(): Promise<string> {
    while (this.running) await this.running;
    const out = newBackupPath(this.options.dataDir);
    const work = (async () => {
      await writeBackup(this.options.client, out, this.options.dataDir);
      const removed = pruneBackups(this.options.dataDir, Math.max(1, this.options.keep));
      log.info("backup written", { file: out, removed: removed.length ? removed.join(",") : undefined });
    })();
    this.running = work.finally(() => {
      this.running = null;
    });
    await work;
    return out;
  }

  private async runIfDue(): Promise<void> {
    const newest = listBackups(this.options.dataDir)[0];
    if (newest && Date.now() - newest.createdAt.getTime() < this.options.intervalMs) return;
    try {
      await this.backUpNow();
    } catch (error) {
      log.error("scheduled backup failed", { error });
    }
  }
}
