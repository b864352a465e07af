import { existsSync } from "node:fs";
import { type Config, loadConfig, settingFlags } from "../config";
import { type OpenedDatabase, databaseFilePath, openDatabase } from "../db/open";
import { PublicError } from "../errors";

export function configFromArgs(values: Record<string, unknown>): Config {
  return loadConfig({ flags: settingFlags(values), configFile: values.config as string | undefined });
}

/** Whether the configured database exists (a remote one is assumed to). */
export function databaseExists(config: Config): boolean {
  if (config.databaseUrl && !config.databaseUrl.startsWith("file:")) return true;
  return existsSync(config.databaseUrl ? config.databaseUrl.slice(5) : databaseFilePath(config.data));
}

/**
 * Opens the database; commands that only read or change what exists pass mustExist, so that a
 * mistyped --data is reported instead of quietly creating an empty database there.
 */
export function openConfiguredDatabase(config: Config, options: { mustExist?: boolean } = {}): Promise<OpenedDatabase> {
  if (options.mustExist && !databaseExists(config)) {
    throw new PublicError(`there is no 5gfm database in ${config.data}; check --data (serve and user add create one)`);
  }
  return openDatabase({ dataDir: config.data, databaseUrl: config.databaseUrl, authToken: config.databaseAuthToken });
}
