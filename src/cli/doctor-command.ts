import { accessSync, constants, existsSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { demoCatalog } from "../../feature-app/catalog/demo-catalog";
import { BUILD_TARGET, COMMIT, VERSION } from "../build-info";
import { type Config, type ConfigLayers, resolveConfig } from "../config";
import { gatewayPid, lockState } from "../data-lock";
import { bundledMigrations } from "../db/migrations";
import { DISK_FULL_FREE_BYTES, isDiskFull } from "../db/disk-full";
import { type Connection, connectDatabase, migrationState } from "../db/open";
import { UsageError } from "../errors";
import { listBackups } from "../db/backups";
import { isPortFree } from "../instances/port-check";
import { daysLeft, loadTls } from "../gateway/tls";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configLayersFromArgs, databaseExists, effectiveConfig } from "./open-config";

type Status = "OK" | "WARN" | "FAIL";
interface Check {
  status: Status;
  name: string;
  detail: string;
}

const GIB = 1024 ** 3;

export const doctorCommand: Command = {
  usage: `Usage: 5gfm doctor [--port PORT] [--app-ports FROM-TO]

Checks what the server needs and prints one OK/WARN/FAIL line each, with what to do.
Exits 1 if any check failed. Changes nothing (it does not even create a missing data folder).

Options:
  --port PORT           gateway port to check (default: the configured one)
  --app-ports FROM-TO   feature-app port range to check
  --tls-cert FILE, --tls-key FILE   the HTTPS certificate and key to check (expiry, match)
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...COMMON_OPTIONS,
        port: { type: "string" },
        "app-ports": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
      },
      true,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    let layers: ConfigLayers;
    let config: Config;
    try {
      layers = configLayersFromArgs(values);
      config = resolveConfig(layers).config;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.log(`FAIL settings: ${error.message}`);
      console.log("1 check(s) failed");
      return 1;
    }
    // The checks below look at what serve would use: the console's saved values included.
    let settingsCheck: Check;
    try {
      const effective = await effectiveConfig(layers);
      config = effective.config;
      settingsCheck = checkStoredSettings(effective.stored.size, effective.ignored);
    } catch (error) {
      settingsCheck = { status: "WARN", name: "settings", detail: `could not read the console's saved settings (${(error as Error).message})` };
    }
    if (!existsSync(config.data)) {
      console.log(`WARN data folder: ${config.data} does not exist yet; serve creates it (or check --data)`);
      return 0;
    }
    const checks: Check[] = [
      { status: "OK", name: "version", detail: `5gfm ${VERSION} (${COMMIT}), ${BUILD_TARGET}` },
      checkDataFolder(config.data),
      ...(await checkDatabase(config)),
      settingsCheck,
      checkDiskSpace(config.data),
      checkBackupAge(config),
      checkGatewayLock(config.data),
      await checkGatewayPort(config, values.port !== undefined),
      await checkAppPorts(config),
      ...checkCertificate(config),
      ...(process.platform === "win32" ? [checkWindowsFirewall(config.port)] : []),
      {
        status: demoCatalog().features.length > 0 ? "OK" : "FAIL",
        name: "demo catalog",
        detail: `${demoCatalog().features.length} features embedded`,
      },
    ];
    for (const check of checks) console.log(`${check.status.padEnd(4)} ${check.name}: ${check.detail}`);
    const failed = checks.filter((c) => c.status === "FAIL").length;
    const warned = checks.filter((c) => c.status === "WARN").length;
    console.log(failed ? `${failed} check(s) failed` : warned ? `all passed, ${warned} warning(s)` : "all checks passed");
    return failed ? 1 : 0;
  },
};

function checkDataFolder(dir: string): Check {
  try {
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, "ok");
    rmSync(probe);
    return { status: "OK", name: "data folder", detail: `${dir} is writable` };
  } catch (error) {
    if (isDiskFull(error)) return { status: "FAIL", name: "data folder", detail: `${dir} cannot be written: its disk is full` };
    return {
      status: "FAIL",
      name: "data folder",
      detail: `${dir} is not writable (${(error as NodeJS.ErrnoException).code}); choose another with --data or fix its permissions`,
    };
  }
}

async function checkDatabase(config: Config): Promise<Check[]> {
  if (!databaseExists(config)) {
    return [{ status: "WARN", name: "database", detail: `none in ${config.data} yet; serve or user add creates it` }];
  }
  let connection: Connection;
  try {
    connection = await connectDatabase({
      dataDir: config.data,
      databaseUrl: config.databaseUrl,
      authToken: config.databaseAuthToken,
    });
  } catch (error) {
    return [{ status: "FAIL", name: "database", detail: (error as Error).message }];
  }
  const { client, kind, location } = connection;
  try {
    const checks: Check[] = [];
    if (kind === "file") {
      const result = String((await client.execute("PRAGMA integrity_check")).rows[0]?.[0]);
      checks.push(
        result === "ok"
          ? { status: "OK", name: "database", detail: `${location}: integrity ok` }
          : { status: "FAIL", name: "database", detail: `${location}: ${result}; restore a backup with 5gfm restore FILE` },
      );
    } else {
      checks.push({ status: "OK", name: "database", detail: `${location}: reachable` });
    }
    const state = await migrationState(client, bundledMigrations());
    checks.push(
      state.newerThanThisBuild
        ? { status: "FAIL", name: "schema", detail: "written by a newer 5gfm; run that version" }
        : state.pending.length
          ? { status: "WARN", name: "schema", detail: `${state.pending.length} migration(s) will be applied at the next start` }
          : { status: "OK", name: "schema", detail: `up to date (${state.applied} migration(s))` },
    );
    return checks;
  } finally {
    client.close();
  }
}

function checkStoredSettings(count: number, ignored: { reason: string }[]): Check {
  if (ignored.length > 0) {
    return { status: "WARN", name: "settings", detail: `ignored from the console: ${ignored.map((i) => i.reason).join("; ")}; change them in the Settings tab` };
  }
  return { status: "OK", name: "settings", detail: count ? `${count} saved in the admin console (flags and environment still win)` : "none saved in the admin console" };
}

function checkBackupAge(config: Config): Check {
  const newest = listBackups(config.data)[0];
  if (!newest) return { status: "WARN", name: "backups", detail: "none yet; the server takes one at start, or run 5gfm backup" };
  const days = (Date.now() - newest.createdAt.getTime()) / 86_400_000;
  const detail = `newest is ${newest.name}, ${days.toFixed(1)} days old`;
  const dueDays = config.backupIntervalMinutes > 0 ? (2 * config.backupIntervalMinutes) / 1440 : 8;
  return days > Math.max(dueDays, 1)
    ? { status: "WARN", name: "backups", detail: `${detail}; is the server running? run 5gfm backup` }
    : { status: "OK", name: "backups", detail };
}

/** The command that lets other machines reach the gateway through the Windows firewall. */
export function firewallRuleCommand(port: number): string {
  return `netsh advfirewall firewall add rule name="5G Feature Manager" dir=in action=allow protocol=TCP localport=${port}`;
}

function checkWindowsFirewall(port: number): Check {
  const shown = Bun.spawnSync(["netsh", "advfirewall", "firewall", "show", "rule", "name=5G Feature Manager"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (shown.exitCode === 0 && shown.stdout.toString().includes(String(port))) {
    return { status: "OK", name: "Windows firewall", detail: `an inbound rule allows port ${port}` };
  }
  return {
    status: "WARN",
    name: "Windows firewall",
    detail: `no inbound rule for port ${port} found; other machines may be blocked. As administrator: ${firewallRuleCommand(port)}`,
  };
}

function checkCertificate(config: Config): Check[] {
  if (!config.tlsCert || !config.tlsKey) return [];
  try {
    const { certificate } = loadTls(config.tlsCert, config.tlsKey);
    const days = daysLeft(certificate);
    const detail = `${config.tlsCert} valid until ${certificate.validTo}`;
    if (days < 0) return [{ status: "FAIL", name: "certificate", detail: `${detail}: expired; install a new one` }];
    if (days < 30) return [{ status: "WARN", name: "certificate", detail: `${detail}: ${days} days left; renew it` }];
    return [{ status: "OK", name: "certificate", detail }];
  } catch (error) {
    return [{ status: "FAIL", name: "certificate", detail: (error as Error).message }];
  }
}

function checkDiskSpace(dir: string): Check {
  try {
    const stats = statfsSync(dir);
    const free = stats.bavail * stats.bsize;
    if (free < DISK_FULL_FREE_BYTES) {
      return { status: "FAIL", name: "disk space", detail: `the disk holding ${dir} is full (${Math.round(free / 1024)} KiB free): no change can be saved; free some space (saving resumes by itself)` };
    }
    const text = `${(free / GIB).toFixed(1)} GiB free in ${dir}`;
    if (free < 0.2 * GIB) return { status: "FAIL", name: "disk space", detail: `${text}; free some space` };
    if (free < 2 * GIB) return { status: "WARN", name: "disk space", detail: `${text}; backups and logs need room` };
    return { status: "OK", name: "disk space", detail: text };
  } catch (error) {
    return { status: "WARN", name: "disk space", detail: `could not read (${(error as Error).message})` };
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Decided by the lock itself; a gateway.pid left by a hard stop is reported, never believed. */
function checkGatewayLock(dataDir: string): Check {
  const name = "gateway lock";
  const state = lockState(dataDir);
  if (state.held) {
    const who = state.holder ? `pid ${state.holder.pid}${state.holder.url ? ` at ${state.holder.url}` : ""}` : "a process";
    return { status: "OK", name, detail: `held by the running gateway (${who})` };
  }
  if (!state.stale) return { status: "OK", name, detail: "free (no gateway is running on this data folder)" };
  const pid = state.stale.pid;
  const now = pidExists(pid) ? `pid ${pid} is now another program (a foreign lock)` : `pid ${pid} has ended`;
  return {
    status: "WARN",
    name,
    detail: `stale: gateway.pid was left by a gateway that did not stop cleanly (killed or power cut); ${now}. Nothing holds the lock; the next start takes it over`,
  };
}

/** Without --port, a gateway running on this data folder is checked on the port it serves (it may have been started with another --port). */
async function checkGatewayPort(config: Config, portGiven: boolean): Promise<Check> {
  const lock = portGiven ? undefined : lockState(config.data);
  const url = lock?.held ? lock.holder?.url : undefined;
  const port = url ? Number(new URL(url).port) || config.port : config.port;
  const name = `port ${port}`;
  if (await isPortFree(port, config.host)) return { status: "OK", name, detail: `free on ${config.host}` };
  const pid = gatewayPid(config.data);
  if (pid) return { status: "OK", name, detail: `in use by this data folder's running gateway (pid ${pid})` };
  return { status: "FAIL", name, detail: "in use by another program; stop it or start 5gfm with --port" };
}

async function checkAppPorts(config: Config): Promise<Check> {
  const { first, last } = config.appPorts;
  let free = 0;
  for (let port = first; port <= last; port++) if (await isPortFree(port)) free++;
  const total = last - first + 1;
  const detail = `${free} of ${total} free in ${first}-${last}`;
  if (free === 0 && !gatewayPid(config.data)) return { status: "FAIL", name: "app ports", detail: `${detail}; choose another range with --app-ports` };
  return { status: free < total / 2 && !gatewayPid(config.data) ? "WARN" : "OK", name: "app ports", detail };
}
