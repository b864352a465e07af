import { copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { gatewayPid } from "../data-lock";
import { applyMigrations, connectDatabase, databaseFilePath, migrationState } from "../db/open";
import { newBackupPath, writeBackup } from "../db/backups";
import { bundledMigrations } from "../db/migrations";
import { PublicError, UsageError } from "../errors";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configFromArgs, databaseExists } from "./open-config";

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

export const backupCommand: Command = {
  name: "backup",
  summary: "write a consistent copy of the database (safe while the server runs)",
  usage: `Usage: 5gfm backup [--out FILE]

Copies the live database with SQLite's VACUUM INTO, which is consistent even while people work.
Without --out the copy goes to backups/5gfm-YYYYMMDD-HHMMSS.db in the data folder, with the
settings file (5gfm.json) beside it as .settings.json.

Options:
  --out FILE            where to write the backup (must not exist yet)
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...COMMON_OPTIONS, out: { type: "string" } }, true);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const config = configFromArgs(values);
    if (config.databaseUrl && !config.databaseUrl.startsWith("file:")) {
      throw new PublicError("the database is a remote libSQL server; back it up on that server", undefined, 400);
    }
    const out = resolve(values.out ?? newBackupPath(config.data));
    if (existsSync(out)) throw new PublicError(`${out} already exists; choose another --out`, undefined, 400);
    if (!databaseExists(config)) throw new PublicError(`there is no 5gfm database in ${config.data} to back up; check --data`);
    const { client } = await connectDatabase({ dataDir: config.data, databaseUrl: config.databaseUrl });
    try {
      await writeBackup(client, out, config.data);
    } finally {
      client.close();
    }
    console.log(`backup written to ${out}`);
    return 0;
  },
};

export const restoreCommand: Command = {
  name: "restore",
  summary: "replace the database with a backup (checked first; the current one is kept aside)",
  usage: `Usage: 5gfm restore FILE

Checks the backup's integrity and schema version, moves the current database aside
(5gfm.db.before-restore-…), puts the backup in its place and upgrades it if it is older.
Stop the server first.

Options:
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, COMMON_OPTIONS, true);
    const [file, extra] = positionals;
    if (!file) throw new UsageError("missing the backup FILE to restore");
    if (extra) throw new UsageError(`unexpected argument '${extra}'`);
    const config = configFromArgs(values);
    if (config.databaseUrl && !config.databaseUrl.startsWith("file:")) {
      throw new PublicError("the database is a remote libSQL server; restore it on that server", undefined, 400);
    }
    const source = resolve(file);
    if (!existsSync(source)) throw new PublicError(`no such file: ${source}`, undefined, 400);
    const running = gatewayPid(config.data);
    if (running) throw new PublicError(`the gateway (pid ${running}) is running on this data folder; stop it first`);
    await checkBackup(source);

    const target = resolve(config.databaseUrl ? config.databaseUrl.slice(5) : databaseFilePath(config.data));
    if (target === source) throw new PublicError(`${source} is the live database itself; restore from a backup copy`, undefined, 400);
    mkdirSync(dirname(target), { recursive: true });
    const aside = `${target}.before-restore-${timestamp()}`;
    if (existsSync(target)) {
      // Fold the write-ahead log into the file first, so the copy kept aside is complete on its own.
      const current = createClient({ url: `file:${target}` });
      await current.execute("PRAGMA wal_checkpoint(TRUNCATE)");
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
    const { client } = await connectDatabase({ dataDir: config.data, databaseUrl: config.databaseUrl });
    try {
      const upgraded = await applyMigrations(client, bundledMigrations());
      console.log(`restored ${source}${upgraded ? ` (upgraded by ${upgraded} migration(s))` : ""}`);
    } finally {
      client.close();
    }
    if (existsSync(aside)) console.log(`the previous database is kept as ${aside}`);
    return 0;
  },
};

async function checkBackup(file: string): Promise<void> {
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
