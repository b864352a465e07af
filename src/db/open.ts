import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PublicError } from "../errors";
import { listBackups } from "./backups";
import { type Migration, bundledMigrations } from "./migrations";
import * as schema from "./schema";

export type Database = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenedDatabase {
  db: Database;
  client: Client;
  /** "file" for the embedded SQLite file, "remote" for a libSQL server. */
  kind: "file" | "remote";
  location: string;
  close(): void;
}

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  authToken?: string;
}

export const DATABASE_FILE = "5gfm.db";
const MIGRATIONS_TABLE = "__drizzle_migrations";

export function databaseFilePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export interface Connection {
  client: Client;
  kind: "file" | "remote";
  location: string;
}

/** Connects without touching the schema (doctor and restore inspect before they change anything). */
export async function connectDatabase(options: DatabaseOptions): Promise<Connection> {
  const url = options.databaseUrl ?? `file:${databaseFilePath(options.dataDir)}`;
  const kind = url.startsWith("file:") ? "file" : "remote";
  const location = kind === "file" ? url.slice(5) : url;
  if (!options.databaseUrl) mkdirSync(options.dataDir, { recursive: true });
  let client: Client | undefined;
  try {
    // One connection: SQLite has one writer anyway, and per-connection pragmas (foreign_keys)
    // then hold for every statement instead of only for the pool's first connection.
    client = createClient({ url, authToken: options.authToken, concurrency: 1 });
    if (kind === "file") {
      await client.execute("PRAGMA journal_mode = WAL");
      await client.execute("PRAGMA busy_timeout = 5000");
      // FULL: a commit is on the disk (the WAL fsynced) before the save is acknowledged, so an OS
      // crash or power cut loses no acknowledged change; NORMAL could lose the last ones. The
      // benchmark alone asks for NORMAL, to measure what FULL costs (README "What a saved change survives").
      await client.execute(`PRAGMA synchronous = ${process.env.FGM_BENCH_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL"}`);
    }
    await client.execute("PRAGMA foreign_keys = ON");
  } catch (cause) {
    client?.close();
    throw new PublicError(`cannot open the database at ${location}: ${(cause as Error).message}${damagedAdvice(cause, options)}`, cause);
  }
  return { client, kind, location };
}

/**
 * Folds the write-ahead log into the database file, so that after a clean stop 5gfm.db alone holds
 * every change (a copy of that one file is complete) and the -wal file is empty: the client
 * library's close() leaves the log as it is. Another process still using the file (a second
 * gateway, a CLI command) can keep the log from being emptied; it then stays, as safe as before.
 */
export async function foldWal(opened: OpenedDatabase): Promise<void> {
  if (opened.kind === "file") await opened.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

/** Opens the database and brings its schema up to date; an old database is upgraded in place. */
export async function openDatabase(options: DatabaseOptions): Promise<OpenedDatabase> {
  const { client, kind, location } = await connectDatabase(options);
  try {
    await applyMigrations(client, bundledMigrations());
  } catch (error) {
    client.close();
    // Damage in a page SQLite had not read yet shows here, on the first real read.
    const advice = damagedAdvice(error, options);
    if (advice) throw new PublicError(`cannot open the database at ${location}: ${(error as Error).message}${advice}`, error);
    throw error;
  }
  return { db: drizzle(client, { schema }), client, kind, location, close: () => client.close() };
}

export interface MigrationState {
  applied: number;
  pending: Migration[];
  /** The database was written by a newer 5gfm than this one. */
  newerThanThisBuild: boolean;
}

export async function migrationState(client: Client, migrations: Migration[]): Promise<MigrationState> {
  const exists = await client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [MIGRATIONS_TABLE],
  });
  const rows = exists.rows.length
    ? (await client.execute(`SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at`)).rows
    : [];
  const appliedAt = rows.map((r) => Number(r.created_at));
  const last = appliedAt.at(-1) ?? 0;
  const known = new Set(migrations.map((m) => m.when));
  return {
    applied: appliedAt.length,
    pending: migrations.filter((m) => m.when > last),
    newerThanThisBuild: appliedAt.some((when) => !known.has(when)),
  };
}

/** Same bookkeeping table as drizzle-kit's own migrator, so either can pick up where the other left off. */
export async function applyMigrations(client: Client, migrations: Migration[]): Promise<number> {
  const state = await migrationState(client, migrations);
  if (state.newerThanThisBuild) {
    throw new PublicError(
      "the database was upgraded by a newer version of 5gfm; run that version, or restore a backup made by this one",
    );
  }
  if (state.pending.length === 0) return 0;
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, created_at NUMERIC)`,
  );
  // All pending migrations in one transaction: a failure leaves the old schema untouched.
  await client.batch(
    state.pending.flatMap((m) => [
      ...m.statements,
      { sql: `INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES (?, ?)`, args: [m.hash, m.when] },
    ]),
    "write",
  );
  return state.pending.length;
}

/** For a damaged database file: what to do about it, naming the newest backup; "" for any other failure. */
function damagedAdvice(error: unknown, options: DatabaseOptions): string {
  const text = `${(error as { code?: string }).code ?? ""} ${(error as Error).message ?? ""}`;
  if (options.databaseUrl && !options.databaseUrl.startsWith("file:")) return "";
  if (!/SQLITE_(NOTADB|CORRUPT)|malformed|not a database/i.test(text)) return "";
  const data = options.databaseUrl ? "" : ` --data "${options.dataDir}"`;
  const [newest] = listBackups(options.dataDir);
  return newest
    ? `. The file is damaged: restore the newest backup with: 5gfm restore "${newest.path}"${data}`
    : `. The file is damaged and ${options.dataDir} holds no backup: restore a copy you keep elsewhere with 5gfm restore FILE${data}`;
}
