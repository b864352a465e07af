import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors";

export interface Command {
  name: string;
  summary: string;
  /** Full help text: synopsis and options. */
  usage: string;
  /** Resolves to the process exit code; long-running commands resolve when they stop. */
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  data: { type: "string" },
  config: { type: "string" },
  "database-url": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export const COMMON_USAGE = `  --data DIR            data folder (default: 5gfm-data beside the executable; ./data in development)
  --config FILE         config file (default: 5gfm.json in the data folder, if present)
  --database-url URL    a libSQL server (libsql://, http(s)://, ws(s)://) instead of the SQLite file
  -h, --help            show this help`;

/** node:util's parseArgs with its errors turned into one-line usage errors. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(oneLine((error as Error).message));
  }
}

function oneLine(message: string): string {
  // parseArgs appends advice about "--" that does not apply to our commands.
  return message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/, "").trim();
}

/** Settings given as flags, keyed like the config schema; unset flags are left out. */
export function settingFlags(values: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (values.data !== undefined) flags.data = values.data;
  if (values["database-url"] !== undefined) flags.databaseUrl = values["database-url"];
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values["app-ports"] !== undefined) flags.appPorts = values["app-ports"];
  if (values["log-level"] !== undefined) flags.logLevel = values["log-level"];
  if (values["no-open"] === true) flags.open = false;
  if (values.diagnostics === true) flags.diagnostics = true;
  if (values["admin-path"] !== undefined) flags.adminPath = values["admin-path"];
  if (values["trusted-proxy"] !== undefined) flags.trustedProxies = values["trusted-proxy"];
  if (values["public-host"] !== undefined) flags.publicHosts = values["public-host"];
  for (const [flag, key] of [
    ["session-idle-minutes", "sessionIdleMinutes"],
    ["session-max-hours", "sessionMaxHours"],
    ["login-max-failures", "loginMaxFailures"],
    ["login-lockout-minutes", "loginLockoutMinutes"],
    ["instance-idle-minutes", "instanceIdleMinutes"],
    ["tls-cert", "tlsCert"],
    ["tls-key", "tlsKey"],
    ["http-redirect-port", "httpRedirectPort"],
    ["instance-ready-wait-seconds", "instanceReadyWaitSeconds"],
    ["max-instances", "maxInstances"],
    ["spare-instances", "spareInstances"],
    ["instance-start-concurrency", "instanceStartConcurrency"],
    ["instance-memory-mb", "instanceMemoryMb"],
    ["sample-seconds", "sampleSeconds"],
    ["backup-interval-minutes", "backupIntervalMinutes"],
    ["backup-keep", "backupKeep"],
    ["alert-cpu-percent", "alertCpuPercent"],
    ["alert-memory-percent", "alertMemoryPercent"],
    ["alert-disk-percent", "alertDiskPercent"],
    ["alert-minutes", "alertMinutes"],
    ["alert-webhook-url", "alertWebhookUrl"],
  ] as const) {
    if (values[flag] !== undefined) flags[key] = values[flag];
  }
  return flags;
}
