import { existsSync } from "node:fs";
import { type Config, type ConfigLayers, type ResolvedConfig, readConfigLayers, resolveConfig, settingFlags } from "../config";
import { type OpenedDatabase, connectDatabase, databaseFilePath, openDatabase } from "../db/open";
import { PublicError } from "../errors";
import { type StoredSettings, readStoredSettings, storedValues } from "../settings/stored-settings";

export function configLayersFromArgs(values: Record<string, unknown>): ConfigLayers {
  return readConfigLayers({ flags: settingFlags(values), configFile: values.config as string | undefined });
}

/** Flags, environment, config file and defaults: enough to find the database (the console's values are in it). */
export function configFromArgs(values: Record<string, unknown>): Config {
  return resolveConfig(configLayersFromArgs(values)).config;
}

/**
 * The settings as serve would run with them, the console's stored values included, read without
 * changing anything (no database is created, no migration applied).
 */
export async function effectiveConfig(layers: ConfigLayers): Promise<ResolvedConfig & { stored: StoredSettings }> {
  const base = resolveConfig(layers).config;
  let stored: StoredSettings = new Map();
  if (databaseExists(base)) {
    const { client } = await connectDatabase({ dataDir: base.data, databaseUrl: base.databaseUrl, authToken: base.databaseAuthToken });
    try {
      stored = await readStoredSettings(client);
    } finally {
      client.close();
    }
  }
  return { ...resolveConfig(layers, storedValues(stored)), stored };
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
