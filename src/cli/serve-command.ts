import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE_NAME, type Config, printableConfig, resolveConfig, settingOptions, settingsUsage } from "../config";
import { cancelPendingRestore, dismissFailedRestore, pendingRestore, recordFailedRestore, restoreDatabase } from "../db/restore";
import { DataFolderInUse, type DataFolderLock, lockDataFolder } from "../data-lock";
import { PublicError, UsageError } from "../errors";
import { type RunningGateway, startGateway } from "../gateway/server";
import { type OpenedDatabase, foldWal } from "../db/open";
import { isPortFree } from "../instances/port-check";
import { RotatingLog } from "../instances/rotating-log";
import { createLogger, setLogLevel, setLogSink } from "../log";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { openBrowser } from "./open-browser";
import { configLayersFromArgs, effectiveConfig, openConfiguredDatabase } from "./open-config";
import { reportStartFailure } from "./start-failure";
import { startBanner } from "./start-banner";
import { LiveSettings } from "../settings/live-settings";
import { recordCleanStop, watchStopRequest } from "../service/stop-request";
import { readStoredSettings } from "../settings/stored-settings";

const log = createLogger("serve");

const USAGE = `Usage: 5gfm serve [options]     (also what a double-click does)

Starts the gateway: the web server your team's browsers connect to.

Options:
${settingsUsage(Object.keys(COMMON_OPTIONS))}

Serve's own switches:
  --no-open             do not open a browser on start
  --print-config        print the effective settings as JSON and exit
${COMMON_USAGE}

FGM_CONFIG names the config file. Every setting can also be set in the
config file. Flags win over the environment, which wins over values saved in the admin
console's Settings tab, which win over the config file. A setting given as a flag or in the
environment is shown read-only in the console.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  // Every setting with a flag (see SETTINGS in src/config.ts), and serve's own switches.
  ...settingOptions(),
  "no-open": { type: "boolean" },
  "print-config": { type: "boolean" },
} as const;

/** A restore chosen in the console happens here, before the database is opened. */
async function restoreIfScheduled(config: Config): Promise<void> {
  const pending = pendingRestore(config.data);
  if (!pending) return;
  cancelPendingRestore(config.data);
  try {
    const result = await restoreDatabase(config.data, config.databaseUrl, pending.file);
    log.warn("restored a backup chosen in the console", { file: pending.file, by: pending.requestedBy, keptAs: result.keptAs });
    // An earlier failure no longer describes the database.
    dismissFailedRestore(config.data);
  } catch (error) {
    const reason = (error as Error).message;
    log.error("the restore chosen in the console failed; the database is unchanged", { file: pending.file, error: reason });
    // Kept until an administrator dismisses it in the console (Backups page and dashboard).
    recordFailedRestore(config.data, { ...pending, failedAt: new Date().toISOString(), reason });
  }
}

/**
 * The data folder exists and can be written (the exe's folder under C:\Program Files cannot be
 * without elevation; a read-only disk cannot at all): one clear line instead of a stack trace.
 */
function prepareDataFolder(dir: string): void {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PublicError(
      `cannot write to the data folder ${dir} (${code}); put 5gfm in a folder you may write to, or choose one with --data`,
    );
  }
}

/** "Port in use" is found before a database is created or an app started. */
async function assertPortFree(config: Config): Promise<void> {
  if (await isPortFree(config.port, config.host)) return;
  throw portInUse(config);
}

function portInUse(config: Config): PublicError {
  const file = config.configFile ?? join(config.data, CONFIG_FILE_NAME);
  return new PublicError(`port ${config.port} is already in use by another program; choose another "port" in ${file} (or start with --port)`);
}

/**
 * A second start on a folder a gateway already serves: a double-click then opens the browser at
 * the running one (and that is not a failure); a scheduled task or script gets exit code 1.
 */
async function alreadyRunning(error: DataFolderInUse, config: Config): Promise<number> {
  const url = error.holder?.url;
  if (!config.open || !url) throw error;
  await openBrowser(url);
  console.log(`5G Feature Manager is already running on this computer (pid ${error.holder?.pid}) at ${url}; opened it in your browser.`);
  return 0;
}

export const serveCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const layers = configLayersFromArgs(values);
    if (values["print-config"]) {
      let printed = resolveConfig(layers).config;
      try {
        const effective = await effectiveConfig(layers);
        for (const { reason } of effective.ignored) console.error(`ignored: ${reason}`);
        printed = effective.config;
      } catch (error) {
        // An unreachable database should not hide the rest of the settings.
        console.error(`could not read the settings saved in the admin console: ${(error as Error).message}`);
      }
      console.log(JSON.stringify(printableConfig(printed), null, 2));
      return 0;
    }
    // Where the data and database are cannot come from the database, so this is final for them.
    let config = resolveConfig(layers).config;
    setLogLevel(config.logLevel);
    try {
      prepareDataFolder(config.data);
    } catch (error) {
      reportStartFailure((error as Error).message);
      throw error;
    }
    // Every log line goes to the console window and to a rotating file in the data folder.
    const logFile = new RotatingLog(join(config.data, "logs", "gateway.log"), 10 * 1024 * 1024, 5);
    setLogSink((line) => {
      process.stderr.write(`${line}\n`);
      logFile.write(`${line}\n`);
    });
    let lock: DataFolderLock | undefined;
    let database: OpenedDatabase | undefined;
    let gateway: RunningGateway;
    try {
      try {
        lock = lockDataFolder(config.data);
      } catch (error) {
        if (error instanceof DataFolderInUse) return await alreadyRunning(error, config);
        throw error;
      }
      await assertPortFree(config);
      await restoreIfScheduled(config);
      database = await openConfiguredDatabase(config);
      const live = new LiveSettings(layers, await readStoredSettings(database.client));
      for (const { reason } of live.ignored) log.warn("a setting saved in the console was ignored", { reason });
      config = live.config;
      setLogLevel(config.logLevel);
      live.onChange((changed) => setLogLevel(changed.logLevel));
      gateway = await startGateway(live, database, logFile);
    } catch (caught) {
      database?.close();
      lock?.release();
      const error = (caught as NodeJS.ErrnoException).code === "EADDRINUSE" ? portInUse(config) : caught;
      reportStartFailure((error as Error).message, logFile);
      throw error;
    }
    lock.announce(gateway.url);
    console.log(startBanner(gateway.url, config));
    if (config.open) void openBrowser(gateway.url);

    const running = gateway;
    const opened = database;
    const held = lock;
    return new Promise<number>((resolve) => {
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        stopWatching();
        log.info("stopping", { signal });
        await running.stop();
        await foldWal(opened).catch((error) => log.warn("folding the database's write-ahead log into it failed", { error: String(error) }));
        opened.close();
        held.release();
        log.info("stopped");
        recordCleanStop(config.data);
        resolve(0);
      };
      // `5gfm service stop` (Windows cannot send a signal that asks a process to stop).
      const stopWatching = watchStopRequest(config.data, () => void shutdown("stop request"));
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const) {
        try {
          process.on(signal, () => void shutdown(signal));
        } catch {
          // Not every signal exists on every platform (SIGBREAK is Windows-only).
        }
      }
    });
  },
};
