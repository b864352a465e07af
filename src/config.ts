// Every setting, where it can come from, and the one valibot schema that checks the merged result.
// Precedence: flags > environment (FGM_*) > the console's stored value > config file > defaults.
// A flag or environment variable pins a setting: the console shows it read-only.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as v from "valibot";
import { UsageError } from "./errors";
import { parseAddress, parseRule } from "./net/ip";
import { IS_COMPILED } from "./build-info";

export const CONFIG_FILE_NAME = "5gfm.json";

/** Paths the gateway serves itself; the admin console may not be moved onto one of them. */
export const RESERVED_PATHS = ["/app", "/static", "/healthz", "/metrics", "/login", "/logout", "/setup", "/access-request", "/signed-out"];

export type Source = "default" | "config file" | "console" | "environment" | "flag";

/**
 * Whether the console may change a setting, and when a change takes effect: "live" at once
 * (running components read it from LiveSettings), "restart" at the next start. Settings without
 * it (the data folder, the database, start-up switches) are decided before the database opens.
 */
export type ConsoleApply = "live" | "restart";

export interface SettingSpec {
  flag?: string;
  /** A flag is a string, a switch (--diagnostics) or repeatable (--public-host a --public-host b). */
  flagKind?: "switch" | "repeatable";
  env: string;
  expected: string;
  help: string;
  schema: v.GenericSchema<unknown, unknown>;
  secret?: boolean;
  console?: ConsoleApply;
}

const integer = (min: number, max: number) =>
  v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+$/), v.transform(Number))]),
    v.integer(),
    v.minValue(min),
    v.maxValue(max),
  );

const decimal = (min: number, max: number) =>
  v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d+(\.\d+)?$/), v.transform(Number))]),
    v.minValue(min),
    v.maxValue(max),
  );

const boolean = v.union([
  v.boolean(),
  v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.picklist(["true", "false", "1", "0", "yes", "no", "on", "off"]),
    v.transform((s) => ["true", "1", "yes", "on"].includes(s)),
  ),
]);

const portRange = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^\d+-\d+$/),
  v.transform((s) => {
    const [first, last] = s.split("-").map(Number) as [number, number];
    return { first, last };
  }),
  v.check(({ first, last }) => first >= 1024 && last <= 65535 && last > first),
);

export const SETTINGS = {
  port: {
    flag: "port",
    env: "FGM_PORT",
    console: "restart",
    expected: "an integer from 1 to 65535",
    help: "port the gateway listens on",
    schema: integer(1, 65535),
  },
  host: {
    flag: "host",
    env: "FGM_HOST",
    console: "restart",
    expected: 'an IPv4 or IPv6 address to listen on, such as 0.0.0.0, 127.0.0.1 or ::, or "localhost"',
    help: "address the gateway listens on (0.0.0.0 = every network interface)",
    schema: v.pipe(
      v.string(),
      v.trim(),
      v.check((s) => s === "localhost" || parseAddress(s) !== null),
    ),
  },
  data: {
    flag: "data",
    env: "FGM_DATA",
    expected: "a folder path",
    help: "data folder: database, config file, logs, backups",
    schema: v.pipe(v.string(), v.trim(), v.minLength(1)),
  },
  databaseUrl: {
    flag: "database-url",
    env: "FGM_DATABASE_URL",
    expected: "a file:, libsql://, http(s):// or ws(s):// URL",
    help: "use this database instead of the SQLite file in the data folder (e.g. a libSQL server)",
    schema: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^(file:.+|(libsql|https?|wss?):\/\/[^\s]+)$/))),
  },
  databaseAuthToken: {
    env: "FGM_DATABASE_AUTH_TOKEN",
    expected: "a token string",
    help: "auth token for a remote libSQL database (environment or config file only, never a flag)",
    schema: v.optional(v.pipe(v.string(), v.minLength(1))),
    secret: true,
  },
  tlsCert: {
    flag: "tls-cert",
    env: "FGM_TLS_CERT",
    console: "restart",
    expected: "the path of a PEM certificate file (with --tls-key)",
    help: "serve HTTPS with this certificate (PEM; the chain may follow it in the same file)",
    schema: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
  },
  tlsKey: {
    flag: "tls-key",
    env: "FGM_TLS_KEY",
    console: "restart",
    expected: "the path of a PEM private key file (with --tls-cert)",
    help: "the private key of --tls-cert",
    schema: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
  },
  httpRedirectPort: {
    flag: "http-redirect-port",
    env: "FGM_HTTP_REDIRECT_PORT",
    console: "restart",
    expected: "an integer from 1 to 65535, used only with HTTPS",
    help: "also listen for plain HTTP on this port and redirect it to HTTPS",
    schema: v.optional(integer(1, 65535)),
  },
  appPorts: {
    flag: "app-ports",
    env: "FGM_APP_PORTS",
    console: "restart",
    expected: "FROM-TO with 1024 <= FROM < TO <= 65535, e.g. 8500-8599",
    help: "localhost ports for feature-app processes; the first is the admin's",
    schema: portRange,
  },
  diagnostics: {
    flag: "diagnostics",
    flagKind: "switch",
    env: "FGM_DIAGNOSTICS",
    expected: "true or false",
    help: "open each feature app's large-body test endpoints (/app/_diag/*) for benchmarks",
    schema: boolean,
  },
  open: {
    env: "FGM_OPEN",
    expected: "true or false",
    help: "open the default browser on start (--no-open turns it off)",
    schema: boolean,
  },
  adminPath: {
    flag: "admin-path",
    env: "FGM_ADMIN_PATH",
    console: "restart",
    expected: "a path such as /admin: a slash, then 1–64 lower-case letters, digits, - or _, not one of the gateway's own paths",
    help: "where the admin console lives (change it to hide the console)",
    schema: v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^\/[a-z0-9][a-z0-9_-]{0,63}$/),
      v.check((path) => !RESERVED_PATHS.includes(path)),
    ),
  },
  trustedProxies: {
    flag: "trusted-proxy",
    flagKind: "repeatable",
    env: "FGM_TRUSTED_PROXIES",
    console: "live",
    expected: "IP addresses or CIDR ranges (comma-separated in the environment, a list in the config file)",
    help: "reverse proxies whose X-Forwarded-For header is believed; from anyone else it is ignored",
    schema: v.pipe(
      v.union([v.array(v.string()), v.pipe(v.string(), v.transform((s) => s.split(",")))]),
      v.transform((list) => list.map((s) => s.trim()).filter(Boolean)),
      v.check((list) => list.every((rule) => parseRule(rule).ok)),
    ),
  },
  publicHosts: {
    flag: "public-host",
    flagKind: "repeatable",
    env: "FGM_PUBLIC_HOSTS",
    console: "live",
    expected: "host names (comma-separated in the environment, a list in the config file), e.g. 5gfm.example.corp",
    help: "DNS names people use to reach this server; IP addresses, localhost and this machine's name always work",
    schema: v.pipe(
      v.union([v.array(v.string()), v.pipe(v.string(), v.transform((s) => s.split(",")))]),
      v.transform((list) => list.map((s) => s.trim().toLowerCase()).filter(Boolean)),
      v.check((list) => list.every((host) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host))),
    ),
  },
  sessionIdleMinutes: {
    flag: "session-idle-minutes",
    env: "FGM_SESSION_IDLE_MINUTES",
    console: "live",
    expected: "an integer from 1 to 10080 (minutes)",
    help: "a session unused for this long ends",
    schema: integer(1, 10080),
  },
  sessionMaxHours: {
    flag: "session-max-hours",
    env: "FGM_SESSION_MAX_HOURS",
    console: "live",
    expected: "an integer from 1 to 720 (hours)",
    help: "a session ends this long after sign-in, however active",
    schema: integer(1, 720),
  },
  loginMaxFailures: {
    flag: "login-max-failures",
    env: "FGM_LOGIN_MAX_FAILURES",
    console: "live",
    expected: "an integer from 3 to 100",
    help: "wrong passwords for one user from one address before sign-in is locked",
    schema: integer(3, 100),
  },
  loginLockoutMinutes: {
    flag: "login-lockout-minutes",
    env: "FGM_LOGIN_LOCKOUT_MINUTES",
    console: "live",
    expected: "an integer from 1 to 1440 (minutes)",
    help: "how long a lockout lasts (failures older than this are forgotten)",
    schema: integer(1, 1440),
  },
  instanceIdleMinutes: {
    flag: "instance-idle-minutes",
    env: "FGM_INSTANCE_IDLE_MINUTES",
    console: "live",
    expected: "a number of minutes from 0.05 to 10080 (fractions allowed)",
    help: "a feature app with no requests and no open page for this long is stopped",
    schema: decimal(0.05, 10080),
  },
  instanceReadyWaitSeconds: {
    flag: "instance-ready-wait-seconds",
    env: "FGM_INSTANCE_READY_WAIT_SECONDS",
    console: "live",
    expected: "an integer from 1 to 300 (seconds)",
    help: "how long a first visit waits for its feature app before a self-refreshing 'starting…' page",
    schema: integer(1, 300),
  },
  maxInstances: {
    flag: "max-instances",
    env: "FGM_MAX_INSTANCES",
    console: "live",
    expected: "an integer from 1 to 1000",
    help: "most feature apps running at once (spares included)",
    schema: integer(1, 1000),
  },
  spareInstances: {
    flag: "spare-instances",
    env: "FGM_SPARE_INSTANCES",
    console: "restart",
    expected: "an integer from 0 to 20",
    help: "pre-started feature apps a first visit claims at once",
    schema: integer(0, 20),
  },
  instanceStartConcurrency: {
    flag: "instance-start-concurrency",
    env: "FGM_INSTANCE_START_CONCURRENCY",
    console: "restart",
    expected: "an integer from 1 to 64",
    help: "feature apps starting at the same time; more first visits queue",
    schema: integer(1, 64),
  },
  instanceMemoryMb: {
    flag: "instance-memory-mb",
    env: "FGM_INSTANCE_MEMORY_MB",
    console: "live",
    expected: "an integer from 0 to 65536 (MB; 0 = no limit)",
    help: "a feature app that stays above this resident memory is restarted",
    schema: integer(0, 65536),
  },
  importUnpackMaxMb: {
    flag: "import-unpack-max-mb",
    env: "FGM_IMPORT_UNPACK_MAX_MB",
    console: "restart",
    expected: "an integer from 1 to 1024 (MB)",
    help: "an XLSX catalog import that would unpack to more than this is refused before it is read (a zip bomb guard)",
    schema: integer(1, 1024),
  },
  instanceHangSeconds: {
    flag: "instance-hang-seconds",
    env: "FGM_INSTANCE_HANG_SECONDS",
    expected: "an integer from 2 to 3600 (seconds)",
    help: "a feature app whose health checks go unanswered this long (3 in a row at least) is killed and restarted",
    schema: integer(2, 3600),
  },
  // The relay to the feature apps (src/gateway/relay-limits.ts): every wait, buffer and count a
  // client can make the gateway hold has a limit.
  proxyTimeoutSeconds: {
    flag: "proxy-timeout-seconds",
    env: "FGM_PROXY_TIMEOUT_SECONDS",
    expected: "an integer from 5 to 3600 (seconds)",
    help: "how long a feature app may take to start answering a request before the browser gets a 504",
    schema: integer(5, 3600),
  },
  clientIdleSeconds: {
    flag: "client-idle-seconds",
    env: "FGM_CLIENT_IDLE_SECONDS",
    expected: "an integer from 1 to 255 (seconds)",
    help: "a browser connection that sends and reads nothing for this long is closed",
    schema: integer(1, 255),
  },
  maxRequestBodyMb: {
    flag: "max-request-body-mb",
    env: "FGM_MAX_REQUEST_BODY_MB",
    expected: "an integer from 1 to 4096 (MB)",
    help: "largest request body the gateway accepts (a feature app may refuse smaller ones)",
    schema: integer(1, 4096),
  },
  maxConnectionsPerAddress: {
    flag: "max-connections-per-address",
    env: "FGM_MAX_CONNECTIONS_PER_ADDRESS",
    expected: "an integer from 1 to 10000",
    help: "requests in progress and WebSockets open at once from one address; more get 429",
    schema: integer(1, 10000),
  },
  maxWebSocketsPerUser: {
    flag: "max-websockets-per-user",
    env: "FGM_MAX_WEBSOCKETS_PER_USER",
    expected: "an integer from 1 to 1000",
    help: "WebSockets one user may hold open to their feature app (a browser tab uses one)",
    schema: integer(1, 1000),
  },
  maxWebSockets: {
    flag: "max-websockets",
    env: "FGM_MAX_WEBSOCKETS",
    expected: "an integer from 1 to 100000 (kept below the process's open-file limit)",
    help: "WebSockets open through the gateway in total",
    schema: integer(1, 100000),
  },
  webSocketMessageMb: {
    flag: "websocket-message-mb",
    env: "FGM_WEBSOCKET_MESSAGE_MB",
    expected: "an integer from 1 to 256 (MB)",
    help: "largest WebSocket message a browser may send; a larger one closes the socket (1009)",
    schema: integer(1, 256),
  },
  webSocketBufferMb: {
    flag: "websocket-buffer-mb",
    env: "FGM_WEBSOCKET_BUFFER_MB",
    expected: "an integer from 1 to 1024 (MB)",
    help: "data queued for a WebSocket that does not read it (either way) before the socket is closed",
    schema: integer(1, 1024),
  },
  backupIntervalMinutes: {
    flag: "backup-interval-minutes",
    env: "FGM_BACKUP_INTERVAL_MINUTES",
    console: "restart",
    expected: "a number of minutes from 0 to 525600 (0 = no scheduled backups; 1440 = daily, 10080 = weekly)",
    help: "take a backup whenever the newest is older than this",
    schema: decimal(0, 525600),
  },
  backupKeep: {
    flag: "backup-keep",
    env: "FGM_BACKUP_KEEP",
    console: "live",
    expected: "an integer from 1 to 1000",
    help: "how many backups to keep; older ones are removed",
    schema: integer(1, 1000),
  },
  auditRetentionDays: {
    flag: "audit-retention-days",
    env: "FGM_AUDIT_RETENTION_DAYS",
    console: "live",
    expected: "an integer from 0 to 36500 (days; 0 = keep every entry)",
    help: "audit trail entries older than this are removed (checked every hour)",
    schema: integer(0, 36500),
  },
  generationKeep: {
    flag: "generation-keep",
    env: "FGM_GENERATION_KEEP",
    console: "restart",
    expected: "an integer from 1 to 1000",
    help: "generated exports kept per feature set; older unpinned ones are removed",
    schema: integer(1, 1000),
  },
  sampleSeconds: {
    flag: "sample-seconds",
    env: "FGM_SAMPLE_SECONDS",
    console: "restart",
    expected: "an integer from 1 to 300 (seconds)",
    help: "how often server load is sampled for the dashboard",
    schema: integer(1, 300),
  },
  alertCpuPercent: {
    flag: "alert-cpu-percent",
    env: "FGM_ALERT_CPU_PERCENT",
    console: "live",
    expected: "an integer from 1 to 100",
    help: "system CPU use that raises an alert once it lasts alertMinutes",
    schema: integer(1, 100),
  },
  alertMemoryPercent: {
    flag: "alert-memory-percent",
    env: "FGM_ALERT_MEMORY_PERCENT",
    console: "live",
    expected: "an integer from 1 to 100",
    help: "system memory use that raises an alert once it lasts alertMinutes",
    schema: integer(1, 100),
  },
  alertDiskPercent: {
    flag: "alert-disk-percent",
    env: "FGM_ALERT_DISK_PERCENT",
    console: "live",
    expected: "an integer from 1 to 100",
    help: "use of the data folder's disk that raises an alert",
    schema: integer(1, 100),
  },
  alertMinutes: {
    flag: "alert-minutes",
    env: "FGM_ALERT_MINUTES",
    console: "live",
    expected: "a number of minutes from 0 to 1440 (fractions allowed)",
    help: "how long a threshold must stay crossed before it alerts",
    schema: decimal(0, 1440),
  },
  alertWebhookUrl: {
    flag: "alert-webhook-url",
    env: "FGM_ALERT_WEBHOOK_URL",
    console: "live",
    expected: "an http(s):// URL (a Teams or Slack incoming webhook)",
    help: "alerts are also POSTed here as JSON {\"text\": …}",
    schema: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^https?:\/\/[^\s]+$/))),
  },
  metricsToken: {
    env: "FGM_METRICS_TOKEN",
    console: "live",
    expected: "a token of at least 16 characters",
    help: "bearer token for GET /metrics (Prometheus); /metrics is off while none is set",
    schema: v.optional(v.pipe(v.string(), v.minLength(16))),
    secret: true,
  },
  logLevel: {
    flag: "log-level",
    env: "FGM_LOG_LEVEL",
    console: "live",
    expected: "one of debug, info, warn, error",
    help: "least severe log level written",
    schema: v.picklist(["debug", "info", "warn", "error"]),
  },
} satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

/** The settings the admin console can change, in SETTINGS' order. */
export type ConsoleSettingKey = {
  [K in SettingKey]: (typeof SETTINGS)[K] extends { console: ConsoleApply } ? K : never;
}[SettingKey];

export function settingSpec(key: SettingKey): SettingSpec {
  return SETTINGS[key];
}

export const CONSOLE_SETTING_KEYS = (Object.keys(SETTINGS) as SettingKey[]).filter(
  (key) => settingSpec(key).console !== undefined,
) as ConsoleSettingKey[];

export const configSchema = v.pipe(
  v.strictObject({
    port: SETTINGS.port.schema,
    host: SETTINGS.host.schema,
    data: SETTINGS.data.schema,
    databaseUrl: SETTINGS.databaseUrl.schema,
    databaseAuthToken: SETTINGS.databaseAuthToken.schema,
    appPorts: SETTINGS.appPorts.schema,
    tlsCert: SETTINGS.tlsCert.schema,
    tlsKey: SETTINGS.tlsKey.schema,
    httpRedirectPort: SETTINGS.httpRedirectPort.schema,
    open: SETTINGS.open.schema,
    diagnostics: SETTINGS.diagnostics.schema,
    logLevel: SETTINGS.logLevel.schema,
    adminPath: SETTINGS.adminPath.schema,
    trustedProxies: SETTINGS.trustedProxies.schema,
    publicHosts: SETTINGS.publicHosts.schema,
    sessionIdleMinutes: SETTINGS.sessionIdleMinutes.schema,
    sessionMaxHours: SETTINGS.sessionMaxHours.schema,
    loginMaxFailures: SETTINGS.loginMaxFailures.schema,
    loginLockoutMinutes: SETTINGS.loginLockoutMinutes.schema,
    instanceIdleMinutes: SETTINGS.instanceIdleMinutes.schema,
    instanceReadyWaitSeconds: SETTINGS.instanceReadyWaitSeconds.schema,
    maxInstances: SETTINGS.maxInstances.schema,
    spareInstances: SETTINGS.spareInstances.schema,
    instanceStartConcurrency: SETTINGS.instanceStartConcurrency.schema,
    instanceMemoryMb: SETTINGS.instanceMemoryMb.schema,
    importUnpackMaxMb: SETTINGS.importUnpackMaxMb.schema,
    instanceHangSeconds: SETTINGS.instanceHangSeconds.schema,
    proxyTimeoutSeconds: SETTINGS.proxyTimeoutSeconds.schema,
    clientIdleSeconds: SETTINGS.clientIdleSeconds.schema,
    maxRequestBodyMb: SETTINGS.maxRequestBodyMb.schema,
    maxConnectionsPerAddress: SETTINGS.maxConnectionsPerAddress.schema,
    maxWebSocketsPerUser: SETTINGS.maxWebSocketsPerUser.schema,
    maxWebSockets: SETTINGS.maxWebSockets.schema,
    webSocketMessageMb: SETTINGS.webSocketMessageMb.schema,
    webSocketBufferMb: SETTINGS.webSocketBufferMb.schema,
    backupIntervalMinutes: SETTINGS.backupIntervalMinutes.schema,
    backupKeep: SETTINGS.backupKeep.schema,
    auditRetentionDays: SETTINGS.auditRetentionDays.schema,
    generationKeep: SETTINGS.generationKeep.schema,
    sampleSeconds: SETTINGS.sampleSeconds.schema,
    alertCpuPercent: SETTINGS.alertCpuPercent.schema,
    alertMemoryPercent: SETTINGS.alertMemoryPercent.schema,
    alertDiskPercent: SETTINGS.alertDiskPercent.schema,
    alertMinutes: SETTINGS.alertMinutes.schema,
    alertWebhookUrl: SETTINGS.alertWebhookUrl.schema,
    metricsToken: SETTINGS.metricsToken.schema,
  }),
  v.forward(
    v.check(({ port, appPorts }) => port < appPorts.first || port > appPorts.last),
    ["appPorts"],
  ),
  v.forward(
    v.check(({ tlsCert, tlsKey }) => (tlsCert === undefined) === (tlsKey === undefined)),
    ["tlsKey"],
  ),
  v.forward(
    v.check(({ tlsCert, httpRedirectPort, port }) => httpRedirectPort === undefined || (tlsCert !== undefined && httpRedirectPort !== port)),
    ["httpRedirectPort"],
  ),
);

export type Config = v.InferOutput<typeof configSchema> & { configFile?: string };

export function defaultDataDir(): string {
  // A double-clicked exe keeps its data beside itself; in development, ./data of the checkout.
  return IS_COMPILED ? join(dirname(process.execPath), "5gfm-data") : resolve("data");
}

export function defaults(): Record<SettingKey, unknown> {
  return {
    port: 8000,
    host: "0.0.0.0",
    data: defaultDataDir(),
    databaseUrl: undefined,
    databaseAuthToken: undefined,
    appPorts: "8500-8599",
    tlsCert: undefined,
    tlsKey: undefined,
    httpRedirectPort: undefined,
    open: true,
    diagnostics: false,
    logLevel: "info",
    adminPath: "/admin",
    trustedProxies: [],
    publicHosts: [],
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    loginMaxFailures: 10,
    loginLockoutMinutes: 15,
    instanceIdleMinutes: 30,
    instanceReadyWaitSeconds: 15,
    maxInstances: 50,
    spareInstances: 1,
    instanceStartConcurrency: 4,
    instanceMemoryMb: 1024,
    importUnpackMaxMb: 100,
    instanceHangSeconds: 30,
    proxyTimeoutSeconds: 60,
    clientIdleSeconds: 10,
    maxRequestBodyMb: 128,
    maxConnectionsPerAddress: 256,
    maxWebSocketsPerUser: 16,
    maxWebSockets: 4000,
    webSocketMessageMb: 16,
    webSocketBufferMb: 16,
    backupIntervalMinutes: 1440,
    backupKeep: 14,
    auditRetentionDays: 365,
    generationKeep: 20,
    sampleSeconds: 5,
    alertCpuPercent: 90,
    alertMemoryPercent: 90,
    alertDiskPercent: 90,
    alertMinutes: 2,
    alertWebhookUrl: undefined,
    metricsToken: undefined,
  };
}

export interface ConfigInput {
  /** Values given as flags, keyed by setting. */
  flags: Partial<Record<SettingKey, unknown>>;
  /** --config FILE, if given. */
  configFile?: string;
  env?: Record<string, string | undefined>;
}

/** The raw values of every source that is known before the database opens. */
export interface ConfigLayers {
  /** The config file read, if any. */
  file?: string;
  fromFile: Record<string, unknown>;
  fromEnv: Record<string, unknown>;
  fromFlags: Record<string, unknown>;
}

export interface ResolvedConfig {
  config: Config;
  sources: Record<SettingKey, Source>;
  /** Stored console values left out because they no longer fit (e.g. a flag now conflicts). */
  ignored: { key: SettingKey; reason: string }[];
}

/** The console's stored values by key; null means the console unset an optional setting. */
export type StoredValues = Record<string, unknown>;

export function readConfigLayers({ flags, configFile, env = process.env }: ConfigInput): ConfigLayers {
  const fromEnv: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, SettingSpec][]) {
    if (env[spec.env] !== undefined && env[spec.env] !== "") fromEnv[key] = env[spec.env];
  }
  const fromFlags = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const dataDir = String(fromFlags.data ?? fromEnv.data ?? defaults().data);
  const explicitFile = configFile ?? env.FGM_CONFIG;
  const file = explicitFile ? resolve(explicitFile) : join(resolve(dataDir), CONFIG_FILE_NAME);
  const read = explicitFile !== undefined || existsSync(file);
  return { file: read ? file : undefined, fromFile: read ? readConfigFile(file) : {}, fromEnv, fromFlags };
}

/** Whether the console may change this setting now (flags and the environment pin a setting). */
export function consoleMayChange(key: SettingKey, sources: Record<SettingKey, Source>): boolean {
  return (SETTINGS[key] as SettingSpec).console !== undefined && sources[key] !== "flag" && sources[key] !== "environment";
}

/** Merges every source, validates once, and names the setting, value and source of any bad value. */
export function loadConfig(input: ConfigInput): Config {
  return resolveConfig(readConfigLayers(input)).config;
}

/**
 * The effective config from the layers and the console's stored values. A stored value that no
 * longer passes (a new flag conflicts with it) is left out and reported, so that a value once
 * saved in the console can never keep the server from starting; any other bad value is an error.
 */
export function resolveConfig(layers: ConfigLayers, stored: StoredValues = {}): ResolvedConfig {
  const ignored: ResolvedConfig["ignored"] = [];
  const usable = { ...stored };
  for (;;) {
    const merged = mergeLayers(layers, usable);
    const result = v.safeParse(configSchema, merged.values);
    if (result.success) return { config: finishConfig(result.output, layers.file), sources: merged.sources, ignored };
    const key = String(result.issues[0].path?.[0]?.key ?? "") as SettingKey;
    const reason = describeBadSetting(key, merged.values[key], merged.sources[key] ?? "config file", layers.file ?? CONFIG_FILE_NAME);
    // A rule between settings may name one from elsewhere while a saved one is the cause (a saved
    // port inside the file's app ports): then the saved value whose absence settles it goes.
    const culprit =
      merged.sources[key] === "console"
        ? key
        : (Object.keys(usable).find((saved) => {
            const check = checkCandidate(layers, { ...usable, [saved]: undefined });
            return check.ok || check.key !== key;
          }) as SettingKey | undefined);
    if (culprit === undefined) throw new UsageError(reason);
    ignored.push({ key: culprit, reason });
    delete usable[culprit];
  }
}

/** The first bad setting of a candidate merge, or the config it makes. */
export function checkCandidate(
  layers: ConfigLayers,
  stored: StoredValues,
): { ok: true; config: Config } | { ok: false; key: SettingKey; reason: string } {
  const merged = mergeLayers(layers, stored);
  const result = v.safeParse(configSchema, merged.values);
  if (result.success) return { ok: true, config: finishConfig(result.output, layers.file) };
  const key = String(result.issues[0].path?.[0]?.key ?? "") as SettingKey;
  return { ok: false, key, reason: describeBadSetting(key, merged.values[key], merged.sources[key] ?? "console", layers.file ?? CONFIG_FILE_NAME) };
}

function mergeLayers(layers: ConfigLayers, stored: StoredValues) {
  const values: Record<string, unknown> = { ...defaults() };
  const sources = Object.fromEntries(Object.keys(values).map((k) => [k, "default"])) as Record<SettingKey, Source>;
  const set = (key: string, value: unknown, source: Source) => {
    values[key] = value;
    sources[key as SettingKey] = source;
  };
  for (const [key, value] of Object.entries(layers.fromFile)) if (value !== undefined) set(key, value, "config file");
  for (const [key, value] of Object.entries(stored)) {
    // Only settings the console may change; null is the console's "not set" (undefined: left out).
    if (value !== undefined && key in SETTINGS && (SETTINGS[key as SettingKey] as SettingSpec).console) set(key, value ?? undefined, "console");
  }
  for (const [key, value] of Object.entries(layers.fromEnv)) set(key, value, "environment");
  for (const [key, value] of Object.entries(layers.fromFlags)) set(key, value, "flag");
  return { values, sources };
}

function finishConfig(output: v.InferOutput<typeof configSchema>, file: string | undefined): Config {
  const config: Config = {
    ...output,
    data: resolve(output.data),
    tlsCert: output.tlsCert && resolve(output.tlsCert),
    tlsKey: output.tlsKey && resolve(output.tlsKey),
  };
  if (file) config.configFile = file;
  return config;
}

function describeBadSetting(key: string, value: unknown, source: Source, file: string): string {
  const spec = (SETTINGS as Record<string, SettingSpec>)[key];
  if (!spec) return `config file ${file}: unknown setting "${key}" (known: ${Object.keys(SETTINGS).join(", ")})`;
  const from =
    source === "flag"
      ? `--${spec.flag}`
      : source === "environment"
        ? spec.env
        : source === "config file"
          ? `config file ${file}`
          : source === "console"
            ? "the admin console's settings"
            : "default";
  const shown = spec.secret ? "(hidden)" : JSON.stringify(value);
  const extra = key === "appPorts" && source !== "default" ? " and not including the gateway port" : "";
  return `invalid setting ${key} = ${shown} (from ${from}): expected ${spec.expected}${extra}`;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, "")); // Notepad and PowerShell write a BOM
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${file} must hold a JSON object of settings`);
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in SETTINGS)) {
      throw new UsageError(`config file ${file}: unknown setting "${key}" (known: ${Object.keys(SETTINGS).join(", ")})`);
    }
  }
  return parsed as Record<string, unknown>;
}

/** The effective config as a config file would hold it, secrets hidden. */
export function printableConfig(config: Config): Record<string, unknown> {
  return {
    port: config.port,
    host: config.host,
    data: config.data,
    databaseUrl: config.databaseUrl,
    databaseAuthToken: config.databaseAuthToken ? "(hidden)" : undefined,
    appPorts: `${config.appPorts.first}-${config.appPorts.last}`,
    tlsCert: config.tlsCert,
    tlsKey: config.tlsKey,
    httpRedirectPort: config.httpRedirectPort,
    open: config.open,
    diagnostics: config.diagnostics,
    logLevel: config.logLevel,
    adminPath: config.adminPath,
    trustedProxies: config.trustedProxies,
    publicHosts: config.publicHosts,
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionMaxHours: config.sessionMaxHours,
    loginMaxFailures: config.loginMaxFailures,
    loginLockoutMinutes: config.loginLockoutMinutes,
    instanceIdleMinutes: config.instanceIdleMinutes,
    instanceReadyWaitSeconds: config.instanceReadyWaitSeconds,
    maxInstances: config.maxInstances,
    spareInstances: config.spareInstances,
    instanceStartConcurrency: config.instanceStartConcurrency,
    instanceMemoryMb: config.instanceMemoryMb,
    importUnpackMaxMb: config.importUnpackMaxMb,
    backupIntervalMinutes: config.backupIntervalMinutes,
    backupKeep: config.backupKeep,
    auditRetentionDays: config.auditRetentionDays,
    generationKeep: config.generationKeep,
    sampleSeconds: config.sampleSeconds,
    alertCpuPercent: config.alertCpuPercent,
    alertMemoryPercent: config.alertMemoryPercent,
    alertDiskPercent: config.alertDiskPercent,
    alertMinutes: config.alertMinutes,
    alertWebhookUrl: config.alertWebhookUrl,
    metricsToken: config.metricsToken ? "(hidden)" : undefined,
  };
}

/** parseArgs options for every setting that has a flag. */
export function settingOptions(): Record<string, { type: "string" | "boolean"; multiple?: boolean }> {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const spec of Object.values(SETTINGS) as SettingSpec[]) {
    if (!spec.flag) continue;
    options[spec.flag] =
      spec.flagKind === "switch" ? { type: "boolean" } : spec.flagKind === "repeatable" ? { type: "string", multiple: true } : { type: "string" };
  }
  return options;
}

/**
 * The settings part of `serve --help`, made from SETTINGS so that no setting is left out of it:
 * each flag with its help and default, then every environment variable.
 */
export function settingsUsage(describedElsewhere: string[] = []): string {
  const fallback = defaults();
  const flags: string[] = [];
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, SettingSpec][]) {
    if (!spec.flag || describedElsewhere.includes(spec.flag)) continue;
    const value = spec.flagKind === "switch" ? "" : spec.flagKind === "repeatable" ? " VALUE (repeatable)" : " VALUE";
    const shown = fallback[key];
    const hasDefault = spec.flagKind !== "switch" && !spec.secret && shown !== undefined && shown !== "" && !(Array.isArray(shown) && shown.length === 0);
    flags.push(`  --${spec.flag}${value}\n      ${spec.help}${hasDefault ? ` (default ${Array.isArray(shown) ? shown.join(",") : String(shown)})` : ""}`);
  }
  const names = (Object.values(SETTINGS) as SettingSpec[]).map((spec) => spec.env);
  const environment: string[] = [];
  for (const name of names) {
    const line = environment.at(-1);
    if (line !== undefined && line.length + name.length < 96) environment[environment.length - 1] = `${line}, ${name}`;
    else environment.push(`  ${name}`);
  }
  return `${flags.join("\n")}\n\nEvery setting can also be set in the environment:\n${environment.join(",\n")}`;
}

/** Settings given as flags, keyed like the config schema; unset flags are left out. */
export function settingFlags(values: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, SettingSpec][]) {
    if (spec.flag && values[spec.flag] !== undefined) flags[key] = values[spec.flag];
  }
  // "open" is the one setting turned off by a flag.
  if (values["no-open"] === true) flags.open = false;
  return flags;
}
