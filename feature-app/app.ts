// Builds one instance's Hono app: the token check first, then the gate that keeps a spare shut
// until the gateway assigns it a user, then the routes.
import type { Server } from "bun";
import { Hono } from "hono";
import * as v from "valibot";
import { localeMiddleware } from "../src/i18n/locale";
import { isDiskFull } from "../src/db/disk-full";
import { PublicError } from "../src/errors";
import { createLogger } from "../src/log";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorAnswer } from "./views/app-layout";
import { catalogApi } from "./catalog/catalog-api";
import { CatalogImports } from "./catalog/catalog-import";
import { catalogRoutes } from "./catalog/catalog-routes";
import { importRoutes } from "./catalog/import-routes";
import type { CatalogStore } from "./catalog/catalog-store";
import type { AppEnv, AppServices } from "./context";
import type { FeatureDatabase } from "./db/connection";
import { diagRoutes } from "./diag-routes";
import { idempotency } from "./idempotency";
import { requireInstanceToken } from "./instance-token";
import { LIVE_PROTOCOL, createLiveSockets } from "./live-sockets";
import { type AppTranslate, appInEnglish, appTranslator } from "./messages";
import { setsApi } from "./sets/sets-api";
import { setsRoutes } from "./sets/sets-routes";
import { setUpgradeApi, setUpgradeRoutes } from "./sets/set-upgrade-routes";

const log = createLogger("feature-app");

/** Who this instance serves. The gateway has checked it already; this keeps garbage out. */
export const assignmentSchema = v.object({
  user: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "user must be a user name")),
  displayName: v.optional(v.pipe(v.string(), v.maxLength(100, "displayName may have at most 100 characters")), ""),
  role: v.picklist(["admin", "user"], 'role must be "admin" or "user"'),
});
export type Assignment = v.InferOutput<typeof assignmentSchema>;

export interface FeatureAppOptions {
  token: string;
  /** Absent for a spare, which waits for POST /app/_claim. */
  assignment?: Assignment;
  /** Where the gateway's admin console lives, for an admin's link back to it. */
  adminPath: string;
  db: FeatureDatabase;
  catalog: CatalogStore;
  /** How far an uploaded XLSX may unpack before it is refused unread. */
  importUnpackMaxBytes?: number;
  /** Generated exports kept per feature set, besides pinned ones (the gateway's generationKeep). */
  generationKeep: number;
}

/** What a spare answers before it is claimed: enough for the gateway to watch and claim it. */
const OPEN_BEFORE_CLAIM = new Set(["/app/_health", "/app/_claim"]);

export function createFeatureApp(options: FeatureAppOptions) {
  let assignment = options.assignment;
  const sockets = createLiveSockets(() => assignment?.user ?? "");
  // Not strict: the catalog sub-app's "/" is the page at /app/, where the gateway sends people.
  const app = new Hono<AppEnv>({ strict: false });
  const services: AppServices = {
    db: options.db,
    catalog: options.catalog,
    live: sockets,
    adminPath: options.adminPath,
    generationKeep: options.generationKeep,
    assignment: () => assignment!,
  };

  app.use(requireInstanceToken(options.token));
  app.use("/app/*", async function requireAssignment(c, next) {
    if (!assignment && !OPEN_BEFORE_CLAIM.has(c.req.path)) return c.json({ error: "not assigned to a user yet" }, 503);
    await next();
  });

  app.get("/app/_health", (c) => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    return c.json({
      status: "ok",
      user: assignment?.user ?? "",
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
      openWebSockets: sockets.count(),
    });
  });

  app.post("/app/_claim", async (c) => {
    const parsed = v.safeParse(assignmentSchema, await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
    if (assignment) return c.json({ error: "already assigned to a user" }, 409);
    assignment = parsed.output;
    log.info("claimed", { user: assignment.user });
    return c.json({ ok: true });
  });

  app.get("/app/ws", (c) => {
    // Bun answers the upgrade itself; the response returned here is ignored once it succeeds.
    const asked = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((name) => name.trim());
    const headers = asked.includes(LIVE_PROTOCOL) ? { "sec-websocket-protocol": LIVE_PROTOCOL } : undefined;
    if (c.env.upgrade(c.req.raw, { headers })) return new Response(null);
    return c.json({ error: "expected a WebSocket upgrade" }, 426);
  });

  app.route("/app/_diag", diagRoutes());

  // requireAssignment has let only an assigned instance get this far.
  app.use("/app/*", localeMiddleware(), async function appContext(c, next) {
    c.set("appT", appTranslator(c.get("locale")));
    c.set("services", services);
    await next();
  });
  const imports = new CatalogImports(options.db, options.catalog, options.importUnpackMaxBytes);
  // Creating requests: a retry with the same Idempotency-Key gets the first answer, not a duplicate.
  app.on("POST", ["/app/api/feature-sets", "/app/api/feature-sets/:id/clone", "/app/api/catalog/import", "/app/import", "/app/import/:draft/commit"], idempotency());
  app.on("POST", ["/app/sets", "/app/sets/:id/clone", "/app/sets/:id/export"], idempotency({ formField: true }));
  app.route("/app", catalogRoutes());
  app.route("/app/import", importRoutes(imports));
  app.route("/app/api", catalogApi(imports));
  app.route("/app/sets", setsRoutes());
  app.route("/app/sets", setUpgradeRoutes());
  app.route("/app/api", setsApi());
  app.route("/app/api", setUpgradeApi());

  app.notFound((c) => {
    // Set only under /app/* once the instance is assigned: there a browser gets a page.
    const t = c.var.appT as AppTranslate | undefined;
    const browser = (c.req.header("accept") ?? "").includes("text/html");
    return t && browser ? errorAnswer(c, 404, t("common.notFound")) : c.json({ error: "not found" }, 404);
  });
  app.onError((error, c) => {
    if (isDiskFull(error)) {
      // The gateway sees the same full disk on its next sample and alerts the admin.
      log.error("request failed: the disk is full", { path: c.req.path, error });
      return errorAnswer(c, 507, (c.var.appT ?? appInEnglish)("common.diskFull"));
    }
    const status = error instanceof PublicError ? (error.status as ContentfulStatusCode) : 500;
    if (status >= 500) log.error("request failed", { path: c.req.path, error });
    return errorAnswer(c, status, error instanceof PublicError ? error.message : "internal error");
  });

  /**
   * HEAD answers as GET would, with the length its body would have: Hono drops the body of a HEAD
   * answer, and Bun would then announce a length of 0. The body is read to count it; HEAD is rare.
   */
  const fetch = async (request: Request, server: Server<unknown>): Promise<Response> => {
    if (request.method !== "HEAD") return app.fetch(request, server);
    const response = await app.fetch(new Request(request, { method: "GET" }), server);
    const headers = new Headers(response.headers);
    if (response.body && !headers.has("content-length")) headers.set("content-length", String((await response.arrayBuffer()).byteLength));
    return new Response(null, { status: response.status, statusText: response.statusText, headers });
  };

  return { fetch, websocket: sockets.handler, closeSockets: sockets.closeAll };
}
