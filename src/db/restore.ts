// Restoring a backup: checked first (integrity, a 5gfm database, not from a newer version), the
// current database kept aside, the copy put in place and upgraded if it is older. Used by
// `5gfm restore` and, for a restore chosen in the console, by serve before it opens the database.
//
// Windows refuses to rename a file that is still open, and a libsql connection that ever prepared a
// statement keeps its file open after close() until garbage collection (tursodatabase/libsql-js
// #228, #230). So the backup is inspected, and the current database folded and released, through
// bun:sqlite, whose close() finalizes every statement and closes the file at once.
import { Database as SqliteFile } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PublicError } from "../errors";
import { bundledMigrations } from "./migrations";
import { applyMigrations, connectDatabase, databaseFilePath } from "./open";

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Opens a SQLite file, runs `use`, and closes it for certain: nothing of it stays open afterwards. */
function withSqliteFile<T>(file: string, use: (db: SqliteFile) => T, options: { readonly?: boolean } = {}): T {
  const db = new SqliteFile(file, options.readonly ? { readonly: true } : { readwrite: true });
  try {
    return use(db);
  } finally {
    db.close(false);
  }
}

export async function checkBackup(file: string): Promise<void> {
  let check: { integrity: unknown; hasUsers: boolean; appliedAt: number[] };
  try {
    check = withSqliteFile(
      file,
      (db) => {
        const integrity = Object.values(db.query("PRAGMA integrity_check").get() ?? {})[0];
        const table = (name: string) => db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== null;
        const appliedAt = table("__drizzle_migrations")
          ? db.query<{ created_at: number }, []>("SELECT created_at FROM __drizzle_migrations").all().map((r) => Number(r.created_at))
          : [];
        return { integrity, hasUsers: table("users"), appliedAt };
      },
      { readonly: true },
    );
  } catch (error) {
    throw new PublicError(`${file} is not a 5gfm database (${(error as Error).message})`, undefined, 400);
  }
  if (check.integrity !== "ok") throw new PublicError(`${file} failed its integrity check: ${check.integrity}`, undefined, 400);
  if (!check.hasUsers) throw new PublicError(`${file} is not a 5gfm database (no users table)`, undefined, 400);
  const known = new Set(bundledMigrations().map((m) => m.when));
  if (check.appliedAt.some((when) => !known.has(when))) {
    throw new PublicError(`${file} was written by a newer 5gfm; restore it with that version`, undefined, 400);
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
    try {
      withSqliteFile(target, (db) => db.run("PRAGMA wal_checkpoint(TRUNCATE)"));
    } catch {
      // A damaged database (the usual reason for a restore) cannot be folded: it is set aside as it is.
    }
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

/** A restore chosen in the console that failed at start: shown in the console until dismissed. */
const FAILED_FILE = "restore-failed.json";

export interface FailedRestore extends PendingRestore {
  failedAt: string;
  reason: string;
}

export function recordFailedRestore(dataDir: string, failed: FailedRestore): void {
  writeFileSync(join(dataDir, FAILED_FILE), JSON.stringify(failed, null, 2));
}

export function failedRestore(dataDir: string): FailedRestore | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, FAILED_FILE), "utf8")) as FailedRestore;
  } catch {
    return undefined;
  }
}

export function dismissFailedRestore(dataDir: string): void {
  rmSync(join(dataDir, FAILED_FILE), { force: true });
}
