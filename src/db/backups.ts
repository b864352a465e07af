// Backups: consistent copies of the live database (VACUUM INTO is safe while people work), with
// the settings file beside them, in the data folder's backups/ — taken on demand or on a schedule,
// the oldest pruned beyond a count.
import type { Client } from "@libsql/client";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { CONFIG_FILE_NAME } from "../config";

const BACKUP_NAME = /^5gfm-\d{8}-\d{6}(-\d+)?\.db$/;

export interface BackupFile {
  name: string;
  path: string;
  bytes: number;
  createdAt: Date;
}

export function backupFolder(dataDir: string): string {
  return join(dataDir, "backups");
}

function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** A new backup file name in the folder (local time; a suffix if two land in one second). */
export function newBackupPath(dataDir: string): string {
  const base = join(backupFolder(dataDir), `5gfm-${timestamp()}`);
  let path = `${base}.db`;
  for (let n = 2; existsSync(path); n++) path = `${base}-${n}.db`;
  return path;
}

/** Writes the copy (and the settings file beside it, if there is one). */
export async function writeBackup(client: Client, out: string, dataDir: string): Promise<void> {
  mkdirSync(dirname(out), { recursive: true });
  await client.execute({ sql: "VACUUM INTO ?", args: [out] });
  const settings = join(dataDir, CONFIG_FILE_NAME);
  if (existsSync(settings)) copyFileSync(settings, out.replace(/\.db$/, ".settings.json"));
}

/** The backups in the data folder, newest first. Only files named as we name them count. */
export function listBackups(dataDir: string): BackupFile[] {
  const folder = backupFolder(dataDir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => BACKUP_NAME.test(name))
    .map((name) => {
      const path = join(folder, name);
      const stats = statSync(path);
      return { name, path, bytes: stats.size, createdAt: stats.mtime };
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.name.localeCompare(a.name));
}

/** Removes all but the newest `keep` backups; returns the names removed. */
export function pruneBackups(dataDir: string, keep: number): string[] {
  const removed = listBackups(dataDir).slice(keep);
  for (const backup of removed) {
    rmSync(backup.path, { force: true });
    rmSync(backup.path.replace(/\.db$/, ".settings.json"), { force: true });
  }
  return removed.map((b) => b.name);
}
