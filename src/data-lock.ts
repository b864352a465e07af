// One gateway per data folder: a second one would share the database and fight over app ports.
//
// The lock is decided by what holds it, never by a pid merely existing (Windows reuses pids quickly,
// so after a hard stop a stale pid often names another program): the serving process holds an
// exclusive SQLite lock on `gateway.lock` (LockFileEx on Windows, fcntl on Linux), which the
// operating system drops when the process ends, however it ends. `gateway.pid` only says who holds
// it (pid, address), for messages and for opening the browser at a running server.
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PublicError } from "./errors";

const LOCK_FILE = "gateway.lock";
const HOLDER_FILE = "gateway.pid";

export interface LockHolder {
  pid: number;
  /** Where the holding gateway answers, once it is listening. */
  url?: string;
  /** What holds it: "serve" or "restore". */
  command?: string;
}

export type LockState =
  | { held: true; holder?: LockHolder }
  /** Free; `stale` is what a process that ended without releasing it (a hard stop) left behind. */
  | { held: false; stale?: LockHolder };

function readHolder(dataDir: string): LockHolder | undefined {
  try {
    const text = readFileSync(join(dataDir, HOLDER_FILE), "utf8").trim();
    // Older versions wrote the bare pid.
    const holder = (/^\d+$/.test(text) ? { pid: Number(text) } : JSON.parse(text)) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the OS lock, or returns undefined when another process holds it. */
function tryLock(dataDir: string): Database | undefined {
  const db = new Database(join(dataDir, LOCK_FILE), { create: true, readwrite: true });
  try {
    db.run("PRAGMA locking_mode = EXCLUSIVE");
    db.run("BEGIN EXCLUSIVE");
    return db;
  } catch (error) {
    db.close(false);
    if ((error as { code?: string }).code === "SQLITE_BUSY") return undefined;
    throw error;
  }
}

/** Whether a gateway (or a restore) holds this data folder now, and who. Changes nothing. */
export function lockState(dataDir: string): LockState {
  if (!existsSync(join(dataDir, LOCK_FILE))) return { held: false, stale: readHolder(dataDir) };
  let probe: Database | undefined;
  try {
    probe = tryLock(dataDir);
  } catch {
    // No lock file can be made here (a missing or read-only folder): nothing can hold it either.
    return { held: false, stale: readHolder(dataDir) };
  }
  if (!probe) return { held: true, holder: readHolder(dataDir) };
  probe.close(false);
  return { held: false, stale: readHolder(dataDir) };
}

/** The pid of the process holding this data folder, if one does. */
export function gatewayPid(dataDir: string): number | undefined {
  const state = lockState(dataDir);
  return state.held ? (state.holder?.pid ?? -1) : undefined;
}

export class DataFolderInUse extends PublicError {
  constructor(
    dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const pid = holder ? ` (pid ${holder.pid})` : "";
    super(
      holder?.command === "restore"
        ? `a 5gfm restore${pid} is replacing the database in ${dataDir}; wait for it to finish`
        : `another 5gfm gateway${pid} is already serving ${dataDir}${holder?.url ? ` at ${holder.url}` : ""}`,
    );
  }
}

export interface DataFolderLock {
  /** Records where the holding gateway answers (for a second start to point at it). */
  announce(url: string): void;
  release(): void;
}

export function lockDataFolder(dataDir: string, command = "serve"): DataFolderLock {
  let db: Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = tryLock(dataDir);
  } catch (error) {
    throw new PublicError(`cannot lock the data folder ${dataDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check that it may be written`);
  }
  if (!db) throw new DataFolderInUse(dataDir, readHolder(dataDir));
  const write = (holder: LockHolder) => writeFileSync(join(dataDir, HOLDER_FILE), JSON.stringify(holder));
  write({ pid: process.pid, command });
  let released = false;
  return {
    announce: (url) => write({ pid: process.pid, command, url }),
    release() {
      if (released) return;
      released = true;
      rmSync(join(dataDir, HOLDER_FILE), { force: true });
      db.close(false);
    },
  };
}
