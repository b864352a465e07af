// The common case of a user's app traffic, relayed without going through the gateway's router:
// a GET or HEAD to /app/… from someone whose identity was confirmed within the last second (see
// identity-cache.ts), for an instance that is running. It makes the same checks as the full route
// (Host, client address, session, the paths closed to browsers) and adds the same headers to the
// answer. Everything else returns undefined and takes the full route, which knows how to start an
// instance, ask for a sign-in, refuse a cross-site request or explain what went wrong.
import type { Server } from "bun";
import { parse as parseCookies } from "hono/utils/cookie";
import type { ClientAddress } from "../http/client-address";
import { securityHeaderList } from "../http/security-headers";
import type { InstancePool } from "../instances/instance-pool";
import type { RequestStats } from "../monitoring/request-stats";
import { appPathClosed, decodedPath } from "./app-paths";
import type { IdentityCache } from "./identity-cache";
import { SESSION_COOKIE } from "./identity";
import { type ForwardedIdentity, proxyHttp } from "./proxy";

export interface FastLaneDeps {
  hostCheck: (sent: string) => Response | undefined;
  clientAddress: (server: Server<unknown>, request: Request) => ClientAddress;
  identities: IdentityCache;
  pool: InstancePool;
  requests: RequestStats;
  diagnostics: () => boolean;
  https: boolean;
  /** The full route, for a request the fast lane started but cannot finish well. */
  fullRoute: (request: Request, server: Server<unknown>) => Response | Promise<Response>;
}

export type FastLane = (request: Request, server: Server<unknown>) => Promise<Response> | undefined;

export function createFastLane(deps: FastLaneDeps): FastLane {
  return (request, server) => {
    const started = performance.now();
    if (request.method !== "GET" && request.method !== "HEAD") return undefined;
    // First: a Host the check refuses may not even make a URL.
    if (deps.hostCheck(request.headers.get("host") ?? "")) return undefined;
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/app/")) return undefined;
    if (request.headers.has("upgrade")) return undefined;
    const path = decodedPath(url.pathname);
    if (path === undefined || appPathClosed(path, deps.diagnostics())) return undefined;
    const cookies = request.headers.get("cookie");
    const token = cookies ? parseCookies(cookies, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
    if (!token) return undefined;
    const client = deps.clientAddress(server, request);
    const identity = deps.identities.get(token, client.text);
    if (!identity) return undefined;
    const { user } = identity;
    const target = deps.pool.target(user.id);
    if (!target) return undefined;
    const forwarded: ForwardedIdentity = {
      clientAddress: client.text,
      proto: deps.https ? "https" : "http",
      host: url.host,
      userName: user.name,
      role: user.role,
    };
    return proxyHttp(request, url, target, forwarded).then(
      (response) => {
        if (response.status < 500) deps.pool.touch(user.id);
        for (const [name, value] of securityHeaderList(forwarded.proto === "https", response.headers.get("content-type"))) {
          response.headers.set(name, value);
        }
        deps.requests.record(performance.now() - started, true);
        return response;
      },
      // The full route explains an app that does not answer (a GET or HEAD is safe to send again).
      () => deps.fullRoute(request, server),
    );
  };
}
