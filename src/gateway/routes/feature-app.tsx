// /app/*: the one route of a user's app traffic. The decision (app-decision.ts) says where a
// request may go; the relay carries it: HTTP by fetch with bodies streamed both ways (proxy.ts),
// /app/ws by the WebSocket relay (websocket-relay.ts); accounting is relay-accounting.ts.
import { Hono } from "hono";
import { createLogger } from "../../log";
import { type Relay, decideApp } from "../app-decision";
import { unavailable } from "../app-answers";
import type { GatewayContext, GatewayEnv } from "../context";
import { UpstreamTimeout, proxyHttp, upstreamHeaders } from "../proxy";
import type { RelayAccounting } from "../relay-accounting";
import type { RelayLimits } from "../relay-limits";
import { type RelayData, connectUpstream, requestedProtocols } from "../websocket-relay";

const log = createLogger("proxy");

/** With --diagnostics, answers say which path carried them, so tests can assert it. */
const PATH_LABEL_HEADER = "x-fgm-path";

export interface RelayDeps {
  limits: RelayLimits;
  accounting: RelayAccounting;
}

async function relayHttp(c: GatewayContext, relay: Relay, accounting: RelayAccounting): Promise<Response> {
  const { config } = c.get("services");
  let response: Response;
  try {
    response = await proxyHttp(c.req.raw, relay.url, relay.target, relay.forwarded, config.proxyTimeoutSeconds * 1000);
  } catch (error) {
    log.warn("feature app did not answer", { user: relay.forwarded.userName, method: c.req.method, error });
    return unavailable(c, error instanceof UpstreamTimeout ? "timeout" : "unavailable");
  }
  accounting.answered(relay.userId, response.status);
  if (config.diagnostics) response.headers.set(PATH_LABEL_HEADER, "relay");
  // newResponse keeps what this request set on the way (a new session cookie, security headers).
  return c.newResponse(response.body, response);
}

async function relayWebSocket(c: GatewayContext, relay: Relay, deps: RelayDeps): Promise<Response> {
  const address = relay.forwarded.clientAddress;
  // An open socket holds its place among its address's connections until it closes.
  if (!deps.limits.enter(address)) {
    deps.limits.socketClosed(relay.userId);
    return unavailable(c, "sockets");
  }
  const { url } = relay;
  let upstream: Awaited<ReturnType<typeof connectUpstream>>;
  try {
    const headers = upstreamHeaders(c.req.raw.headers, relay.target, relay.forwarded);
    const protocols = requestedProtocols(c.req.header("sec-websocket-protocol"));
    upstream = await connectUpstream(`ws://127.0.0.1:${relay.target.port}${url.pathname}${url.search}`, headers, protocols);
  } catch (error) {
    deps.accounting.socketReleased(relay.userId, address);
    log.warn("WebSocket to the feature app failed", { user: relay.forwarded.userName, error });
    return c.json({ error: "unavailable" }, 502);
  }
  const headers = new Headers();
  if (upstream.socket.protocol) headers.set("sec-websocket-protocol", upstream.socket.protocol);
  if (c.get("services").config.diagnostics) headers.set(PATH_LABEL_HEADER, "relay-websocket");
  const data: RelayData = {
    userId: relay.userId,
    sessionId: relay.sessionId,
    scriptSession: relay.scriptSession,
    token: relay.token,
    address,
    upstream: upstream.socket,
    early: upstream.early,
    closed: false,
  };
  if (!c.env.server.upgrade(c.req.raw, { data, headers })) {
    upstream.socket.close();
    deps.accounting.socketReleased(relay.userId, address);
    return c.json({ error: "expected a WebSocket upgrade" }, 400);
  }
  return new Response(null);
}

export function featureAppRoutes(deps: RelayDeps) {
  const app = new Hono<GatewayEnv>();

  app.get("/app", (c) => c.redirect("/app/", 301));

  app.all("/app/*", async (c) => {
    const { config } = c.get("services");
    const server = c.env?.server;
    // While the app starts and works on it, the request waits for the ready wait and the proxy
    // timeout, not Bun.serve's idle timeout (which would drop a slow first answer without a word);
    // the idle timeout is back once the answer starts.
    server?.timeout(c.req.raw, config.instanceReadyWaitSeconds + config.proxyTimeoutSeconds + 5);
    const decision = await decideApp(c, deps.limits);
    if (decision.kind === "relay" && decision.websocket) return relayWebSocket(c, decision, deps);
    try {
      return decision.kind === "answer" ? await decision.response : await relayHttp(c, decision, deps.accounting);
    } finally {
      server?.timeout(c.req.raw, config.clientIdleSeconds);
    }
  });
  return app;
}
