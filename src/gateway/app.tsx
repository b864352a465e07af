// Builds the gateway's Hono app: middleware in one fixed order, then one route group per area.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ErrorPage } from "../../views/error-page";
import type { Config } from "../config";
import type { Database } from "../db/open";
import { PublicError } from "../errors";
import { clientAddressMiddleware } from "../http/client-address";
import { securityHeaders } from "../http/security-headers";
import { staticRoutes } from "../http/static-assets";
import { localeMiddleware } from "../i18n/locale";
import { createLogger } from "../log";
import { UserStore } from "../users/user-store";
import { type GatewayEnv, pageContext } from "./context";
import { healthRoutes } from "./routes/health";
import { homeRoutes } from "./routes/home";

export interface GatewayDeps {
  config: Config;
  db: Database;
  startedAt: number;
}

const log = createLogger("gateway");

export function createGatewayApp(deps: GatewayDeps) {
  const app = new Hono<GatewayEnv>();
  const users = new UserStore(deps.db);

  app.use(securityHeaders());
  app.use(clientAddressMiddleware());
  app.use(localeMiddleware());
  app.use(async (c, next) => {
    c.set("users", users);
    await next();
  });

  app.route("/healthz", healthRoutes(deps.startedAt));
  app.route("/static", staticRoutes());
  app.route("/", homeRoutes());

  app.notFound((c) => {
    if (!c.get("t")) return c.text("not found", 404);
    return c.html(<ErrorPage page={pageContext(c)} message={c.get("t")("error.notFound")} />, 404);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const status = error instanceof PublicError ? error.status : 500;
    if (status >= 500) log.error("request failed", { path: c.req.path, error: error.stack ?? error.message });
    const message = error instanceof PublicError && status < 500 ? error.message : (c.get("t")?.("error.generic") ?? "internal error");
    if (c.req.header("accept")?.includes("application/json") || !c.get("t")) return c.json({ error: message }, status as 500);
    if (c.req.header("hx-request")) return c.html(<p class="notice bad card">{message}</p>, status as 500);
    return c.html(<ErrorPage page={pageContext(c)} message={message} />, status as 500);
  });
  return app;
}
