// /app/*: the signed-in user's own feature app, relayed (HTTP and WebSocket) to their instance.
import { Hono } from "hono";
import { NoticePage } from "../../../views/notice-page";
import { InstanceFailedError, InstanceStartingError, PoolFullError, type PoolUser } from "../../instances/instance-pool";
import { createLogger } from "../../log";
import { type GatewayContext, type GatewayEnv, pageContext } from "../context";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE, admit } from "../identity";
import { UpstreamError, proxyHttp, upstreamHeaders } from "../proxy";
import { connectUpstream } from "../websocket-relay";
import { turnAway } from "./home";
import { appPathClosed, decodedPath } from "../app-paths";
import { wantsJson } from "../../http/wants-json";

const log = createLogger("proxy");

/** Why a script is not let in, as JSON with the status a browser's page would have had. */
function refusedScript(c: GatewayContext, kind: "not-set-up" | "needs-password" | "disabled" | "unknown") {
  const answers = {
    "not-set-up": [503, "this server is not set up yet"],
    "needs-password": [401, "sign in first: this account needs a password"],
    disabled: [403, "this account is disabled"],
    unknown: [403, "this address is not registered"],
  } as const;
  const [status, error] = answers[kind];
  return c.json({ error }, status);
}

function poolUser(c: GatewayContext): PoolUser {
  const { user } = c.get("identity")!;
  return { id: user.id, name: user.name, displayName: user.displayName, role: user.role };
}

function wantsPage(c: GatewayContext): boolean {
  return c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html");
}

/** Why there is no app to talk to: a page for a browser, JSON (with Retry-After) for anything else. */
function unavailable(c: GatewayContext, kind: "starting" | "failed" | "full" | "unavailable") {
  const status = kind === "unavailable" ? 502 : 503;
  if (kind !== "failed") c.header("retry-after", kind === "full" ? "60" : "2");
  if (!wantsPage(c)) return c.json({ error: kind }, status);
  const page = pageContext(c);
  const { t } = page;
  return c.html(
    <NoticePage
      page={page}
      title={t(`instance.${kind}.title`)}
      tone={kind === "starting" ? "info" : kind === "full" ? "warn" : "bad"}
      id={`instance-${kind}`}
      refreshSeconds={kind === "starting" ? 2 : undefined}
    >
      <p>{t(`instance.${kind}.body`)}</p>
      {kind === "failed" ? (
        <form method="post" action="/app/_retry">
          <button type="submit">{t("instance.failed.retry")}</button>
        </form>
      ) : (
        kind !== "starting" && (
          <p>
            <a href="/app/">{t("instance.reload")}</a>
          </p>
        )
      )}
    </NoticePage>,
    status,
  );
}

export function featureAppRoutes() {
  const app = new Hono<GatewayEnv>();

  app.get("/app", (c) => c.redirect("/app/", 301));

  app.all("/app/*", async (c) => {
    const url = new URL(c.req.url);
    const path = decodedPath(url.pathname);
    if (path === undefined) return c.json({ error: "malformed path" }, 400);
    const admission = await admit(c);
    if (admission.kind !== "in") return wantsJson(c) ? refusedScript(c, admission.kind) : turnAway(c, admission, path);
    if (appPathClosed(path, c.get("services").config.diagnostics)) return c.notFound();
    const { pool } = c.get("services");
    const user = poolUser(c);

    if (path === "/app/_retry" && c.req.method === "POST") {
      await pool.retry(user).catch(() => undefined);
      return c.redirect("/app/", 303);
    }

    try {
      await pool.acquire(user);
    } catch (error) {
      if (error instanceof InstanceStartingError) return unavailable(c, "starting");
      if (error instanceof InstanceFailedError) return unavailable(c, "failed");
      if (error instanceof PoolFullError) return unavailable(c, "full");
      throw error;
    }
    const target = pool.target(user.id);
    if (!target) return unavailable(c, "starting");
    const identity = {
      clientAddress: c.get("clientAddressText"),
      proto: c.get("services").https ? ("https" as const) : ("http" as const),
      host: url.host,
      userName: user.name,
      role: user.role,
    };

    if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
      let upstream: Awaited<ReturnType<typeof connectUpstream>>;
      try {
        const headers = upstreamHeaders(c.req.raw.headers, target, identity);
        upstream = await connectUpstream(`ws://127.0.0.1:${target.port}${url.pathname}${url.search}`, headers);
      } catch (error) {
        log.warn("WebSocket to the feature app failed", { user: user.name, error });
        return c.json({ error: "unavailable" }, 502);
      }
      const upgraded = c.env.server.upgrade(c.req.raw, {
        data: {
          userId: user.id,
          sessionId: c.get("identity")!.session.id,
          token: getCookie(c, SESSION_COOKIE),
          address: c.get("clientAddressText"),
          upstream: upstream.socket,
          early: upstream.early,
          closed: false,
        },
      });
      if (!upgraded) {
        upstream.socket.close();
        return c.json({ error: "expected a WebSocket upgrade" }, 400);
      }
      pool.touch(user.id);
      return new Response(null);
    }

    let response: Response;
    try {
      response = await proxyHttp(c.req.raw, url, target, identity);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      log.warn("feature app did not answer", { user: user.name, error });
      return unavailable(c, "unavailable");
    }
    if (response.status < 500) pool.touch(user.id);
    // newResponse keeps what this request set on the way (a new session cookie, security headers).
    return c.newResponse(response.body, response);
  });
  return app;
}
