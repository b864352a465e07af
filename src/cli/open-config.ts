import { type Config, loadConfig } from "../config";
import { type OpenedDatabase, openDatabase } from "../db/open";
import { settingFlags } from "./command";

export function configFromArgs(values: Record<string, unknown>): Config {
  return loadConfig({ flags: settingFlags(values), configFile: values.config as string | undefined });
}

export function openConfiguredDatabase(config: Config): Promise<OpenedDatabase> {
  return openDatabase({ dataDir: config.data, databaseUrl: config.databaseUrl, authToken: config.databaseAuthToken });
}
