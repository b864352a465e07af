// The one decision for a user's app traffic (/app/…). The router's middleware has already judged
// the Host, the client address, the same-origin rule and the session cookie; from there this
// says either "relay to port P with token T as identity I" or which answer to give instead:
// sign in, denied, disabled, not set up, starting, failed, busy, not answering, too many
// sockets, closed path. The target comes from the pool, chosen by the session's user: nothing
// in the request can point it elsewhere.
import { getCookie } from "hono/cookie";
import { wantsJson } from "../http/wants-json";
import { InstanceFailedError, InstanceStartingError, PoolFullError, type PoolUser } from "../instances/instance-pool";
import { isUnresponsiveError } from "../instances/hang-watch";
import { appPathClosed, decodedPath } from "./app-paths";
import { refusedScript, unavailable } from "./app-answers";
import type { GatewayContext } from "./context";
import { SESSION_COOKIE, admit } from "./identity";
import type { ForwardedIdentity, ProxyTarget } from "./proxy";
import type { RelayLimits } from "./relay-limits";
import { turnAway } from "./routes/home";

export interface Relay {
  kind: "relay";
  websocket: boolean;
  /** The request's URL, parsed once. */
  url: URL;
  target: ProxyTarget;
  forwarded: ForwardedIdentity;
  userId: number;
  sessionId: number;
  scriptSession: boolean;
  /** The session cookie of a WebSocket, to close it when its session ends. */
  token?: string;
}

export type AppDecision = Relay | { kind: "answer"; response: Response | Promise<Response> };

function answer(response: Response | Promise<Response>): AppDecision {
  return { kind: "answer", response };
}

function isWebSocket(c: GatewayContext): boolean {
  return c.req.header("upgrade")?.toLowerCase() === "websocket";
}

export async function decideApp(c: GatewayContext, limits: RelayLimits): Promise<AppDecision> {
  const url = new URL(c.req.url);
  const path = decodedPath(url.pathname);
  if (path === undefined) return answer(c.json({ error: "malformed path" }, 400));
  const admission = await admit(c);
  if (admission.kind !== "in") return answer(wantsJson(c) ? refusedScript(c, admission.kind) : turnAway(c, admission, path));
  const { pool, config, https } = c.get("services");
  if (appPathClosed(path, config.diagnostics)) return answer(c.notFound());
  const identity = c.get("identity")!;
  const { user } = identity;
  const poolUser: PoolUser = { id: user.id, name: user.name, displayName: user.displayName, role: user.role };

  if (path === "/app/_retry" && c.req.method === "POST") {
    await pool.retry(poolUser).catch(() => undefined);
    return answer(c.redirect("/app/", 303));
  }
  // A running instance is the common case: nothing to start or wait for.
  let target = pool.target(user.id);
  if (!target) {
    try {
      await pool.acquire(poolUser);
    } catch (error) {
      if (error instanceof InstanceStartingError) return answer(unavailable(c, isUnresponsiveError(pool.get(user.id)?.lastError) ? "unresponsive" : "starting"));
      if (error instanceof InstanceFailedError) return answer(unavailable(c, "failed"));
      if (error instanceof PoolFullError) return answer(unavailable(c, "full"));
      throw error;
    }
    target = pool.target(user.id);
    if (!target) return answer(unavailable(c, "starting"));
  }
  const websocket = isWebSocket(c);
  const refused = websocket ? limits.takeSocket(user.id) : undefined;
  if (refused) return answer(unavailable(c, refused === "user" ? "sockets" : "full"));
  return {
    kind: "relay",
    websocket,
    url,
    target,
    forwarded: { clientAddress: c.get("clientAddressText"), proto: https ? "https" : "http", host: url.host, userName: user.name, role: user.role },
    userId: user.id,
    sessionId: identity.session.id,
    scriptSession: identity.session.startedBy === "script",
    token: websocket ? getCookie(c, SESSION_COOKIE) : undefined,
  };
}
