// Builds the gateway's request handler: a user's app traffic (/app/…) takes its one route
// (app-route.ts); everything else the Hono router, middleware in one fixed order, then one route
// group per area.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { ErrorPage } from "../../views/notice-page";
import { AccessRequestStore } from "../access/access-request-store";
import { recordAudit } from "../audit";
import { LoginThrottle } from "../auth/login-throttle";
import { SessionStore } from "../auth/session-store";
import type { Database } from "../db/open";
import { isDiskFull } from "../db/disk-full";
import type { Client } from "@libsql/client";
import type { BackupScheduler } from "../db/backup-schedule";
import type { InstancePool } from "../instances/instance-pool";
import type { DwellTracker } from "../monitoring/dwell-tracker";
import type { MetricsSampler } from "../monitoring/sampler";
import { Statistics } from "../monitoring/statistics";
import { PublicError, publicMessage } from "../errors";
import { inEnglish } from "../i18n/messages";
import { type ServerBindings, clientAddressMiddleware, createClientAddressResolver } from "../http/client-address";
import { createHostCheck, hostCheckMiddleware } from "../http/host-check";
import { sameOriginMiddleware } from "../http/same-origin";
import { securityHeaders } from "../http/security-headers";
import { staticRoutes } from "../http/static-assets";
import { localeMiddleware } from "../i18n/locale";
import { createLogger } from "../log";
import type { LiveSettings } from "../settings/live-settings";
import { UserStore } from "../users/user-store";
import { type GatewayContext, type GatewayEnv, type GatewayServices, pageContext } from "./context";
import { confirmIdentity, sessionMiddleware } from "./identity";
import type { Answer, AppRequest } from "./app-decision";
import { createAppRoute } from "./app-route";
import { isAppUrl } from "./app-paths";
import { IdentityCache } from "./identity-cache";
import { SessionSockets } from "./session-sockets";
import { RelayAccounting } from "./relay-accounting";
import { RelayLimits, busyAddressError, socketCeiling } from "./relay-limits";
import type { Server } from "bun";
import { accessRequestRoutes } from "./routes/access-request";
import { adminRoutes } from "./routes/admin";
import { adminBackupRoutes } from "./routes/admin-backups";
import { adminMonitoringRoutes } from "./routes/admin-monitoring";
import { adminSettingsRoutes } from "./routes/admin-settings";
import { adminUserEditRoutes } from "./routes/admin-user-edit";
import { healthRoutes } from "./routes/health";
import { homeRoutes } from "./routes/home";
import { loginRoutes } from "./routes/login";
import { metricsRoutes } from "./routes/metrics";
import { setupRoutes } from "./routes/setup";
import { isHtmx } from "../http/htmx";
import { wantsJson } from "../http/wants-json";

const log = createLogger("gateway");

/** Forms of the gateway's own pages are small; anything bigger is refused before it is read. */
const FORM_LIMIT_BYTES = 64 * 1024;

export interface GatewayDeps {
  live: LiveSettings;
  db: Database;
  client: Client;
  pool: InstancePool;
  sampler: MetricsSampler;
  dwell: DwellTracker;
  /** Undefined when the database is a remote libSQL server. */
  backups?: BackupScheduler;
  /** The last lines of the gateway's log file. */
  logTail: (lines: number) => string[];
  startedAt: number;
  /** Browsers reach the gateway over HTTPS. */
  https: boolean;
}

export function createServices(deps: GatewayDeps): GatewayServices {
  const { live, db, pool, sampler, dwell } = deps;
  return {
    get config() {
      return live.config;
    },
    https: deps.https,
    live,
    pool,
    sampler,
    dwell,
    statistics: new Statistics(deps.client),
    db,
    logTail: deps.logTail,
    backups: deps.backups,
    users: new UserStore(db),
    // Policies as getters: a timeout changed in the console applies to the next lookup.
    sessions: new SessionStore(db, {
      get idleMs() {
        return live.config.sessionIdleMinutes * 60_000;
      },
      get maxMs() {
        return live.config.sessionMaxHours * 3_600_000;
      },
    }),
    throttle: new LoginThrottle(db, {
      get maxFailures() {
        return live.config.loginMaxFailures;
      },
      get lockoutMs() {
        return live.config.loginLockoutMinutes * 60_000;
      },
    }),
    accessRequests: new AccessRequestStore(db),
    audit: (actor, action, target, detail) => recordAudit(db, actor, action, target, detail),
  };
}

/** Bun.serve's handler: undefined once a request became a WebSocket. */
export type GatewayFetch = (request: Request, server: Server<unknown>) => Response | Promise<Response | undefined>;

export interface GatewayHandlers {
  /** Bun.serve's handler: the app route for /app/…, the router for everything else. */
  fetch: GatewayFetch;
  /** Open WebSockets, closed when their session ends. */
  sockets: SessionSockets;
  /** What relayed WebSockets count as they open and close. */
  accounting: RelayAccounting;
}

export function createGatewayHandlers(deps: GatewayDeps): GatewayHandlers {
  const app = new Hono<GatewayEnv>();
  const hostCheck = createHostCheck(() => deps.live.config.publicHosts);
  const trustedProxies = () => deps.live.config.trustedProxies;
  const clientAddress = createClientAddressResolver(trustedProxies);
  const identities = new IdentityCache();
  const services = createServices(deps);
  const sockets = new SessionSockets(async (token, address) => (await confirmIdentity(services, identities, token, address)).ok);
  identities.onClear = () => void sockets.recheck();
  // Fixed for this run, like the listening socket they protect.
  const { config } = deps.live;
  const limits = new RelayLimits({
    perAddress: config.maxConnectionsPerAddress,
    socketsPerUser: config.maxWebSocketsPerUser,
    sockets: socketCeiling(config.maxWebSockets),
  });
  const accounting = new RelayAccounting({
    pool: deps.pool,
    dwell: deps.dwell,
    sockets,
    limits,
    promoteToVisit: (sessionId) => services.sessions.promoteToVisit(sessionId),
  });
  const formLimit = bodyLimit({
    maxSize: FORM_LIMIT_BYTES,
    onError: () => {
      throw new PublicError("the form is too large", undefined, 413);
    },
  });

  // Every request counts towards the dashboard's request rate; latency is that of relayed ones (app-route.ts).
  app.use(async function count(_c, next) {
    await next();
    deps.sampler.requests.counted();
  });
  app.use(securityHeaders(deps.https));
  app.use(hostCheckMiddleware(hostCheck));
  app.use(clientAddressMiddleware(clientAddress));
  app.use(localeMiddleware());
  app.use(async function provideServices(c, next) {
    c.set("services", services);
    await next();
  });
  app.use(async function perAddress(c, next) {
    const address = c.get("clientAddressText");
    if (!limits.enter(address)) throw busyAddressError();
    try {
      await next();
    } finally {
      limits.leave(address);
    }
  });
  app.use(sameOriginMiddleware(deps.https));
  app.use(sessionMiddleware(identities));
  // The console's path is fixed for this run (changing it needs a restart).
  const { adminPath } = deps.live.config;
  for (const path of ["/login", "/logout", "/setup", "/access-request", `${adminPath}/*`]) app.use(path, formLimit);

  app.route("/healthz", healthRoutes(deps.startedAt));
  app.route("/metrics", metricsRoutes());
  app.route("/static", staticRoutes());
  app.route("/setup", setupRoutes());
  app.route("/access-request", accessRequestRoutes());
  app.route(adminPath, adminMonitoringRoutes());
  app.route(adminPath, adminBackupRoutes());
  app.route(adminPath, adminSettingsRoutes());
  app.route(adminPath, adminUserEditRoutes());
  app.route(adminPath, adminRoutes());
  app.route("/", loginRoutes());
  app.get("/app", (c) => c.redirect("/app/", 301));
  app.route("/", homeRoutes());

  const notFound = (c: GatewayContext) => {
    if (!c.get("t")) return c.text("not found", 404);
    return c.html(<ErrorPage page={pageContext(c)} message={c.get("t")("error.notFound")} />, 404);
  };
  const onError = (error: Error, c: GatewayContext) => {
    if (error instanceof HTTPException) return error.getResponse();
    const diskFull = isDiskFull(error);
    if (diskFull) deps.sampler.diskFull();
    const status = (diskFull ? 507 : error instanceof PublicError ? error.status : 500) as 500;
    if (status >= 500) log.error("request failed", { path: c.req.path, error: error.stack ?? error.message });
    const t = c.get("t");
    let message = t ? t("error.generic") : "internal error";
    if (error instanceof PublicError && status < 500) message = t ? publicMessage(error, t) : error.message;
    if (diskFull) message = (t ?? inEnglish)("error.diskFull");
    if (!t || wantsJson(c)) return c.json({ error: message }, status);
    if (isHtmx(c)) return c.html(<p class="notice bad card">{message}</p>, status);
    return c.html(<ErrorPage page={pageContext(c)} message={message} />, status);
  };
  app.notFound(notFound);
  app.onError(onError);

  // The gateway's own answers on /app/… (sign in, starting, refused…): a router of their own that
  // only gives them what every page has, the route having judged the request already.
  const answers = new Hono<{ Bindings: AnswerBindings; Variables: GatewayEnv["Variables"] }>();
  answers.use(async function judged(c, next) {
    const { app: judged } = c.env;
    c.set("services", services);
    c.set("clientAddress", judged.address.address);
    c.set("clientAddressText", judged.address.text);
    c.set("identity", judged.identity);
    c.set("sessionEnded", judged.sessionEnded);
    await next();
  });
  answers.use(localeMiddleware());
  answers.all("*", (c) => c.env.answer(c as unknown as GatewayContext));
  answers.notFound((c) => notFound(c as unknown as GatewayContext));
  answers.onError((error, c) => onError(error, c as unknown as GatewayContext));

  const appRoute = createAppRoute({
    services,
    identities,
    hostCheck,
    clientAddress,
    limits,
    accounting,
    render: async (judged, answer) => answers.fetch(judged.request, { server: judged.server, app: judged, answer }),
  });
  return {
    fetch: (request, server) => (isAppUrl(request.url) ? appRoute(request, server) : app.fetch(request, { server })),
    sockets,
    accounting,
  };
}

/** What the answers' router is given: the judged request and the answer to render. */
interface AnswerBindings extends ServerBindings {
  app: AppRequest;
  answer: Answer;
}
