// Restoring a backup: checked first (integrity, a 5gfm database, not from a newer version), the
// current database kept aside, the copy put in place and upgraded if it is older. Used by
// `5gfm restore` and, for a restore chosen in the console, by serve before it opens the database.
import { type Client, createClient } from "@libsql/client";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PublicError } from "../errors";
import { bundledMigrations } from "./migrations";
import { applyMigrations, connectDatabase, databaseFilePath, migrationState } from "./open";

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

export async function checkBackup(file: string): Promise<void> {
  let client: Client | undefined;
  let integrity: unknown;
  try {
    client = createClient({ url: `file:${file}` });
    integrity = (await client.execute("PRAGMA integrity_check")).rows[0]?.[0];
  } catch (error) {
    client?.close();
    throw new PublicError(`${file} is not a 5gfm database (${(error as Error).message})`, undefined, 400);
  }
  try {
    if (integrity !== "ok") throw new PublicError(`${file} failed its integrity check: ${integrity}`, undefined, 400);
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'");
    if (tables.rows.length === 0) throw new PublicError(`${file} is not a 5gfm database (no users table)`, undefined, 400);
    const state = await migrationState(client, bundledMigrations());
    if (state.newerThanThisBuild) {
      throw new PublicError(`${file} was written by a newer 5gfm; restore it with that version`, undefined, 400);
    }
  } finally {
    client.close();
  }
}

export interface RestoreResult {
  upgradedBy: number;
  /** Where the database that was replaced now is, if there was one. */
  keptAs?: string;
}

/** Replaces the database file with `source`; the gateway must not be running on it. */
export async function restoreDatabase(dataDir: string, databaseUrl: string | undefined, source: string): Promise<RestoreResult> {
  await checkBackup(source);
  const target = resolve(databaseUrl ? databaseUrl.slice(5) : databaseFilePath(dataDir));
  if (target === resolve(source)) throw new PublicError(`${source} is the live database itself; restore from a backup copy`, undefined, 400);
  mkdirSync(dirname(target), { recursive: true });
  const aside = `${target}.before-restore-${timestamp()}`;
  if (existsSync(target)) {
    // Fold the write-ahead log into the file first, so the copy kept aside is complete on its own.
    const current = createClient({ url: `file:${target}` });
    // A damaged database (the usual reason for a restore) cannot be folded: it is set aside as it is.
    await current.execute("PRAGMA wal_checkpoint(TRUNCATE)").catch(() => undefined);
    current.close();
    renameSync(target, aside);
    for (const suffix of ["-wal", "-shm"]) if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
  }
  try {
    copyFileSync(source, target);
  } catch (error) {
    // Put the previous database back rather than leave the folder without one.
    if (existsSync(aside)) {
      renameSync(aside, target);
      for (const suffix of ["-wal", "-shm"]) if (existsSync(aside + suffix)) renameSync(aside + suffix, target + suffix);
    }
    throw new PublicError(`could not copy ${source}: ${(error as NodeJS.ErrnoException).code ?? error}; nothing was changed`);
  }
  const { client } = await connectDatabase({ dataDir, databaseUrl });
  try {
    const upgradedBy = await applyMigrations(client, bundledMigrations());
    return { upgradedBy, keptAs: existsSync(aside) ? aside : undefined };
  } finally {
    client.close();
  }
}

/** A restore chosen in the console, carried out by serve at its next start. */
const PENDING_FILE = "restore-pending.json";

export interface PendingRestore {
  file: string;
  requestedBy: string;
  requestedAt: string;
}

export function pendingRestore(dataDir: string): PendingRestore | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, PENDING_FILE), "utf8")) as PendingRestore;
  } catch {
    return undefined;
  }
}

export function schedulePendingRestore(dataDir: string, restore: PendingRestore): void {
  writeFileSync(join(dataDir, PENDING_FILE), JSON.stringify(restore, null, 2));
}

export function cancelPendingRestore(dataDir: string): void {
  rmSync(join(dataDir, PENDING_FILE), { force: true });
}
