import type { Config } from "../config";
import type { LiveSettings } from "../settings/live-settings";
import { followSettingsChanges } from "../settings/settings-sync";
import type { OpenedDatabase } from "../db/open";
import { BackupScheduler } from "../db/backup-schedule";
import { InstancePool } from "../instances/instance-pool";
import { nodeIdentity } from "../instances/node-identity";
import { UserStore } from "../users/user-store";
import type { RotatingLog } from "../instances/rotating-log";
import { DwellTracker } from "../monitoring/dwell-tracker";
import { MetricsSampler } from "../monitoring/sampler";
import { createLogger } from "../log";
import { createGatewayHandlers } from "./app";
import { type RelayData, createWebSocketRelay } from "./websocket-relay";
import { daysLeft, loadTls } from "./tls";
import { allowedHostNames, hostOf } from "../http/host-check";
import { parseAddress } from "../net/ip";
import { keepAuditPruned } from "../audit-retention";

const log = createLogger("gateway");

/** How often open WebSockets' sessions are checked again, besides after every change made here. */
const SESSION_CHECK_SECONDS = 10;

export interface RunningGateway {
  url: string;
  port: number;
  pool: InstancePool;
  stop(): Promise<void>;
}

/** What the feature apps need: the same database as the gateway, and where its console is. */
function appEnv(config: Config): Record<string, string> {
  const env: Record<string, string> = {
    FGM_DATA: config.data,
    FGM_ADMIN_PATH: config.adminPath,
    FGM_IMPORT_UNPACK_MAX_MB: String(config.importUnpackMaxMb),
    FGM_GENERATION_KEEP: String(config.generationKeep),
  };
  if (config.databaseUrl) env.FGM_DATABASE_URL = config.databaseUrl;
  if (config.databaseAuthToken) env.FGM_DATABASE_AUTH_TOKEN = config.databaseAuthToken;
  return env;
}

/**
 * Starts everything from the settings as they are now. What the console can change while running
 * is passed as getters over `live.config` (read on each use); the rest is fixed until a restart.
 */
export async function startGateway(live: LiveSettings, database: OpenedDatabase, logFile?: RotatingLog): Promise<RunningGateway> {
  const config = live.config;
  // Until the sampler (which needs the pool) exists, alerts are only logged.
  let announce = (message: string, fields: Record<string, unknown>) => log.warn(message, fields);
  const node = nodeIdentity(config.data);
  const pool = new InstancePool({
    db: database.db,
    dataDir: config.data,
    node,
    appEnv: appEnv(config),
    ports: config.appPorts,
    get idleMs() {
      return live.config.instanceIdleMinutes * 60_000;
    },
    get readyWaitMs() {
      return live.config.instanceReadyWaitSeconds * 1000;
    },
    get maxInstances() {
      return live.config.maxInstances;
    },
    spares: config.spareInstances,
    startConcurrency: config.instanceStartConcurrency,
    get memoryLimitBytes() {
      return live.config.instanceMemoryMb * 1024 * 1024;
    },
    sampleMs: config.sampleSeconds * 1000,
    hangMs: config.instanceHangSeconds * 1000,
    // Restarts for memory or for not answering, and failures: logged and sent to the alert webhook.
    onAlert: (message, fields) => announce(message, fields),
  });
  const tls = config.tlsCert && config.tlsKey ? loadTls(config.tlsCert, config.tlsKey) : undefined;
  if (tls && daysLeft(tls.certificate) < 30) {
    log.warn("the TLS certificate expires soon", { validTo: tls.certificate.validTo, daysLeft: daysLeft(tls.certificate) });
  }
  // Before listening: what a previous run left behind is cleaned up before anyone is served.
  await pool.start();
  const sampler = new MetricsSampler({
    db: database.db,
    pool,
    dataDir: config.data,
    nodeId: node.id,
    intervalMs: config.sampleSeconds * 1000,
    alerts: {
      get cpuPercent() {
        return live.config.alertCpuPercent;
      },
      get memoryPercent() {
        return live.config.alertMemoryPercent;
      },
      get diskPercent() {
        return live.config.alertDiskPercent;
      },
      get forMs() {
        return live.config.alertMinutes * 60_000;
      },
      get webhookUrl() {
        return live.config.alertWebhookUrl;
      },
    },
  });
  announce = (message, fields) => sampler.announce(message, fields);
  // Before listening, like the pool's clean-up: the charts then show the history from before node ids.
  await sampler.adoptUnowned();
  const dwell = new DwellTracker(database.db);
  // A remote libSQL database is backed up on its own server, not here.
  const backups =
    database.kind === "file"
      ? new BackupScheduler({
          client: database.client,
          dataDir: config.data,
          intervalMs: config.backupIntervalMinutes * 60_000,
          get keep() {
            return live.config.backupKeep;
          },
        })
      : undefined;
  const handlers = createGatewayHandlers({
    live,
    db: database.db,
    client: database.client,
    pool,
    sampler,
    dwell,
    backups,
    logTail: (lines) => logFile?.tail(lines) ?? [],
    startedAt: Date.now(),
    https: tls !== undefined,
  });
  let server: ReturnType<typeof Bun.serve<RelayData>>;
  try {
    // Bun.serve owns the public port, TLS included: a user's app traffic takes its one route
    // (app-route.ts), every other request the router (app.tsx).
    server = Bun.serve<RelayData>({
      // Never Bun's development error page (it shows source code and paths).
      development: false,
      hostname: config.host,
      port: config.port,
      tls: tls && { cert: tls.cert, key: tls.key },
      // A client that stops sending or reading for this long is cut off (slow-client protection);
      // streamed bodies keep the connection active, so long downloads are not affected. A relayed
      // request waiting for its app takes the proxy timeout instead (server.timeout in the relay).
      idleTimeout: config.clientIdleSeconds,
      maxRequestBodySize: config.maxRequestBodyMb * 1024 * 1024,
      // CONNECT carries no path, which the router cannot take; it is no proxy, so it says so.
      fetch: (request, server) =>
        request.method === "CONNECT" ? new Response("CONNECT is not supported\n", { status: 405 }) : handlers.fetch(request, server),
      websocket: createWebSocketRelay(handlers.accounting, {
        messageBytes: config.webSocketMessageMb * 1024 * 1024,
        bufferBytes: config.webSocketBufferMb * 1024 * 1024,
      }),
    });
  } catch (error) {
    await pool.shutdown();
    sampler.stop();
    throw error;
  }
  sampler.start();
  backups?.start();
  const stopAuditPruning = keepAuditPruned(database.db, () => live.config.auditRetentionDays);
  // Changes made from outside this gateway (the CLI, another gateway) reach open sockets this way,
  // and the app of a user disabled or removed there is stopped, as the console does at once.
  const stopSocketChecks = handlers.sockets.every(SESSION_CHECK_SECONDS * 1000);
  const users = new UserStore(database.db);
  const userCheck = setInterval(() => void stopAppsOfGoneUsers(pool, users).catch((error) => log.warn("checking users failed", { error })), SESSION_CHECK_SECONDS * 1000);
  userCheck.unref();
  const stopSettingsSync = followSettingsChanges(live, database.client);
  const port = server.port!;
  const redirect = tls && config.httpRedirectPort ? startHttpRedirect(live, port) : undefined;
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const url = `${tls ? "https" : "http"}://${wildcard ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host}:${port}/`;
  log.info("listening", { url, host: config.host, port, data: config.data, database: database.kind });
  return {
    url,
    port,
    pool,
    async stop() {
      redirect?.stop(true);
      backups?.stop();
      stopAuditPruning();
      stopSocketChecks();
      clearInterval(userCheck);
      stopSettingsSync();
      // Instances first (their WebSockets close with them), then whatever connections remain.
      sampler.stop();
      await pool.shutdown();
      await server.stop(true);
      await dwell.flush();
    },
  };
}

/** Stops the running app of each user who is now disabled or removed. */
async function stopAppsOfGoneUsers(pool: InstancePool, users: UserStore): Promise<void> {
  const running = pool.list().filter((instance) => instance.userId !== null && instance.state === "running");
  if (running.length === 0) return;
  const byId = new Map((await users.list()).map((user) => [user.id, user]));
  for (const { userId } of running) {
    const user = byId.get(userId!);
    if (!user?.enabled) await pool.stop(userId!, user ? "user disabled" : "user removed");
  }
}

/**
 * Plain HTTP on its own port, answered only with a redirect to the HTTPS port. The host in the
 * redirect is the one the browser used, if it is one of the names the server answers to.
 */
function startHttpRedirect(live: LiveSettings, httpsPort: number) {
  const config = live.config;
  return Bun.serve({
    development: false,
    port: config.httpRedirectPort,
    hostname: config.host,
    fetch(request) {
      const url = new URL(request.url);
      const host = hostOf(url.host);
      // Public host names can change in the console while running.
      if (!allowedHostNames(live.config.publicHosts).has(host) && parseAddress(host) === null) return new Response("unknown host\n", { status: 421 });
      return Response.redirect(`https://${host}:${httpsPort}${url.pathname}${url.search}`, 301);
    },
  });
}
