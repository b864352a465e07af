// The one decision for a user's app traffic (/app/…). The route (app-route.ts) has already judged
// the Host, the client address, the same-origin rule and the session cookie; from there this
// says either "relay to port P with token T as identity I" or which answer to give instead:
// sign in, denied, disabled, not set up, starting, failed, busy, not answering, too many
// sockets, closed path. The target comes from the pool, chosen by the session's user: nothing
// in the request can point it elsewhere. Nothing here needs the router: an answer is rendered
// only when one is given (app-route.ts).
import type { Server } from "bun";
import type { ClientAddress } from "../http/client-address";
import { wantsJson } from "../http/wants-json";
import { InstanceFailedError, InstanceStartingError, PoolFullError, type PoolUser } from "../instances/instance-pool";
import { isUnresponsiveError } from "../instances/hang-watch";
import { appPathClosed, decodedPath } from "./app-paths";
import { refusedScript, unavailable } from "./app-answers";
import type { GatewayContext, GatewayServices, Identity, SessionEnded } from "./context";
import { admitVisitor, sessionCookie } from "./identity";
import type { ForwardedIdentity, ProxyTarget } from "./proxy";
import type { RelayLimits } from "./relay-limits";
import { turnAway } from "./routes/home";

/** A request to /app/… as the route has judged it so far. */
export interface AppRequest {
  request: Request;
  server: Server<unknown>;
  /** The request's URL, parsed once. */
  url: URL;
  address: ClientAddress;
  identity: Identity | null;
  sessionEnded: SessionEnded | null;
  /** The session cookie behind `identity` (a WebSocket is closed when that session ends). */
  token: string | undefined;
  /** Set-Cookie values the answer carries, whatever it is: a session started now, an old cookie removed. */
  cookies: string[];
}

/** An answer of the gateway's own, rendered with the router's context (pages need the language). */
export type Answer = (c: GatewayContext) => Response | Promise<Response>;

export interface Relay {
  kind: "relay";
  websocket: boolean;
  target: ProxyTarget;
  forwarded: ForwardedIdentity;
  userId: number;
  sessionId: number;
  scriptSession: boolean;
}

export type AppDecision = Relay | { kind: "answer"; answer: Answer };

function answer(render: Answer): AppDecision {
  return { kind: "answer", answer: render };
}

export function isWebSocket(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

export async function decideApp(req: AppRequest, services: GatewayServices, limits: RelayLimits): Promise<AppDecision> {
  const path = decodedPath(req.url.pathname);
  if (path === undefined) return answer((c) => c.json({ error: "malformed path" }, 400));
  const admission = await admitVisitor(services, { identity: req.identity, address: req.address, headers: req.request.headers });
  if (admission.kind !== "in") return answer((c) => (wantsJson(c) ? refusedScript(c, admission.kind) : turnAway(c, admission, path)));
  if (admission.startedToken) {
    req.cookies.push(sessionCookie(admission.startedToken, services.https));
    req.token = admission.startedToken;
  }
  const identity = admission.identity;
  req.identity = identity;
  const { pool, config, https } = services;
  if (appPathClosed(path, config.diagnostics)) return answer((c) => c.notFound());
  const { user } = identity;
  const poolUser: PoolUser = { id: user.id, name: user.name, displayName: user.displayName, role: user.role };

  if (path === "/app/_retry" && req.request.method === "POST") {
    await pool.retry(poolUser).catch(() => undefined);
    return answer((c) => c.redirect("/app/", 303));
  }
  // A running instance is the common case: nothing to start or wait for.
  let target = pool.target(user.id);
  if (!target) {
    try {
      await pool.acquire(poolUser);
    } catch (error) {
      if (error instanceof InstanceStartingError) {
        const kind = isUnresponsiveError(pool.get(user.id)?.lastError) ? "unresponsive" : "starting";
        return answer((c) => unavailable(c, kind));
      }
      if (error instanceof InstanceFailedError) return answer((c) => unavailable(c, "failed"));
      if (error instanceof PoolFullError) return answer((c) => unavailable(c, "full"));
      throw error;
    }
    target = pool.target(user.id);
    if (!target) return answer((c) => unavailable(c, "starting"));
  }
  const websocket = isWebSocket(req.request);
  const refused = websocket ? limits.takeSocket(user.id) : undefined;
  if (refused) return answer((c) => unavailable(c, refused === "user" ? "sockets" : "full"));
  return {
    kind: "relay",
    websocket,
    target,
    forwarded: { clientAddress: req.address.text, proto: https ? "https" : "http", host: req.url.host, userName: user.name, role: user.role },
    userId: user.id,
    sessionId: identity.session.id,
    scriptSession: identity.session.startedBy === "script",
  };
}
