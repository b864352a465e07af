// /app/…: the one route of a user's app traffic. Bun.serve's fetch sends it here ahead of the
// router (app.tsx), so a relayed request builds no router context: the same rules as the router's
// middleware are applied by the same functions, in the same order (Host, client address, requests
// per address, same origin, session cookie), then the decision (app-decision.ts) says where it may
// go, and the relay carries it: HTTP by fetch with bodies streamed both ways (proxy.ts), /app/ws by
// the WebSocket relay (websocket-relay.ts); accounting is relay-accounting.ts. Only the gateway's
// own answers (pages, JSON) are rendered with a router context (`render`), as they need the language.
import type { Server } from "bun";
import type { ClientAddress } from "../http/client-address";
import { crossSiteError, crossSiteRefused } from "../http/same-origin";
import { securityHeaderList } from "../http/security-headers";
import { createLogger } from "../log";
import { type Answer, type AppRequest, type Relay, decideApp } from "./app-decision";
import { unavailable } from "./app-answers";
import type { GatewayServices } from "./context";
import { CLEARED_SESSION_COOKIE, resolveSession, sessionToken } from "./identity";
import type { IdentityCache } from "./identity-cache";
import { UpstreamTimeout, proxyHttp, upstreamHeaders } from "./proxy";
import type { RelayAccounting } from "./relay-accounting";
import { type RelayLimits, busyAddressError } from "./relay-limits";
import { type RelayData, connectUpstream, requestedProtocols } from "./websocket-relay";

const log = createLogger("proxy");

/** With --diagnostics, answers say which path carried them, so tests can assert it. */
const PATH_LABEL_HEADER = "x-fgm-path";

export interface AppRouteDeps {
  services: GatewayServices;
  identities: IdentityCache;
  hostCheck: (sent: string) => Response | undefined;
  clientAddress: (server: Server<unknown>, request: Request) => ClientAddress;
  limits: RelayLimits;
  accounting: RelayAccounting;
  /** Renders one of the gateway's own answers with a router context (language, error pages). */
  render: (app: AppRequest, answer: Answer) => Promise<Response>;
}

/** Bun.serve's handler for /app/…: the answer, or undefined once the request became a WebSocket. */
export type AppRoute = (request: Request, server: Server<unknown>) => Promise<Response | undefined>;

export function createAppRoute(deps: AppRouteDeps): AppRoute {
  const { services, limits, accounting, render } = deps;

  async function relayHttp(app: AppRequest, relay: Relay): Promise<Response> {
    const { config } = services;
    let response: Response;
    try {
      response = await proxyHttp(app.request, app.url, relay.target, relay.forwarded, config.proxyTimeoutSeconds * 1000);
    } catch (error) {
      log.warn("feature app did not answer", { user: relay.forwarded.userName, method: app.request.method, error });
      return render(app, (c) => unavailable(c, error instanceof UpstreamTimeout ? "timeout" : "unavailable"));
    }
    accounting.answered(relay.userId, response.status);
    if (config.diagnostics) response.headers.set(PATH_LABEL_HEADER, "relay");
    // The app's own Response goes back as it is (its headers cleaned in place): wrapping it in a
    // new one costs more than all the rules above.
    return response;
  }

  async function relayWebSocket(app: AppRequest, relay: Relay): Promise<Response | undefined> {
    const address = relay.forwarded.clientAddress;
    // An open socket holds its place among its address's connections until it closes.
    if (!limits.enter(address)) {
      limits.socketClosed(relay.userId);
      return render(app, (c) => unavailable(c, "sockets"));
    }
    const { request, url } = app;
    let upstream: Awaited<ReturnType<typeof connectUpstream>>;
    try {
      const headers = upstreamHeaders(request.headers, relay.target, relay.forwarded);
      const protocols = requestedProtocols(request.headers.get("sec-websocket-protocol"));
      upstream = await connectUpstream(`ws://127.0.0.1:${relay.target.port}${url.pathname}${url.search}`, headers, protocols);
    } catch (error) {
      accounting.socketReleased(relay.userId, address);
      log.warn("WebSocket to the feature app failed", { user: relay.forwarded.userName, error });
      return Response.json({ error: "unavailable" }, { status: 502 });
    }
    const headers = new Headers();
    if (upstream.socket.protocol) headers.set("sec-websocket-protocol", upstream.socket.protocol);
    if (services.config.diagnostics) headers.set(PATH_LABEL_HEADER, "relay-websocket");
    for (const cookie of app.cookies) headers.append("set-cookie", cookie);
    const data: RelayData = {
      userId: relay.userId,
      sessionId: relay.sessionId,
      scriptSession: relay.scriptSession,
      token: app.token,
      address,
      upstream: upstream.socket,
      early: upstream.early,
      closed: false,
    };
    if (!app.server.upgrade(request, { data, headers })) {
      upstream.socket.close();
      accounting.socketReleased(relay.userId, address);
      return Response.json({ error: "expected a WebSocket upgrade" }, { status: 400 });
    }
    return undefined;
  }

  /** Past the Host check and the per-address count: same origin, session, decision, relay. */
  async function carry(app: AppRequest): Promise<Response | undefined> {
    const { request, server } = app;
    if (crossSiteRefused(request.method, request.headers, services.https)) {
      return render(app, () => {
        throw crossSiteError();
      });
    }
    const token = sessionToken(request.headers);
    const session = await resolveSession(services, deps.identities, token, app.address.text);
    app.identity = session.identity;
    app.sessionEnded = session.ended;
    if (session.identity) app.token = token;
    if (session.clearCookie) app.cookies.push(CLEARED_SESSION_COOKIE);
    const { config } = services;
    // While the app starts and works on it, the request waits for the ready wait and the proxy
    // timeout, not Bun.serve's idle timeout (which would drop a slow first answer without a word);
    // the idle timeout is back once the answer starts.
    server.timeout(request, config.instanceReadyWaitSeconds + config.proxyTimeoutSeconds + 5);
    let upgraded = false;
    try {
      const decision = await decideApp(app, services, limits);
      if (decision.kind === "answer") return await render(app, decision.answer);
      if (!decision.websocket) return await relayHttp(app, decision);
      const response = await relayWebSocket(app, decision);
      upgraded = response === undefined;
      return response;
    } catch (error) {
      return render(app, () => {
        throw error;
      });
    } finally {
      if (!upgraded) server.timeout(request, config.clientIdleSeconds);
    }
  }

  return async function appRoute(request, server) {
    const started = performance.now();
    let response = deps.hostCheck(request.headers.get("host") ?? "");
    if (!response) {
      const app: AppRequest = {
        request,
        server,
        url: new URL(request.url),
        address: deps.clientAddress(server, request),
        identity: null,
        sessionEnded: null,
        token: undefined,
        cookies: [],
      };
      const address = app.address.text;
      if (!limits.enter(address)) {
        response = await render(app, () => {
          throw busyAddressError();
        });
      } else {
        try {
          response = await carry(app);
        } finally {
          limits.leave(address);
        }
        if (!response) return undefined;
      }
      for (const cookie of app.cookies) response.headers.append("set-cookie", cookie);
    }
    for (const [name, value] of securityHeaderList(services.https, response.headers.get("content-type"))) response.headers.set(name, value);
    services.sampler.requests.relayed(performance.now() - started);
    return response;
  };
}
