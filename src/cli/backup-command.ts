import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DataFolderInUse, lockDataFolder } from "../data-lock";
import { newBackupPath, writeBackup } from "../db/backups";
import { connectDatabase } from "../db/open";
import { restoreDatabase } from "../db/restore";
import { PublicError, UsageError } from "../errors";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configFromArgs, databaseExists } from "./open-config";


export const backupCommand: Command = {
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
    // Held while restoring: a gateway started meanwhile waits its turn instead of opening a half-copied file.
    let lock: ReturnType<typeof lockDataFolder>;
    try {
      lock = lockDataFolder(config.data, "restore");
    } catch (error) {
      if (error instanceof DataFolderInUse) throw new PublicError(`${error.message}; stop it first`);
      throw error;
    }
    let result: Awaited<ReturnType<typeof restoreDatabase>>;
    try {
      result = await restoreDatabase(config.data, config.databaseUrl, source);
    } finally {
      lock.release();
    }
    console.log(`restored ${source}${result.upgradedBy ? ` (upgraded by ${result.upgradedBy} migration(s))` : ""}`);
    if (result.keptAs) console.log(`the previous database is kept as ${result.keptAs}`);
    return 0;
  },
};
