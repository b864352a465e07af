// HTTP relay to a user's feature app: any method, bodies streamed both ways, hop-by-hop headers
// dropped, the gateway's own cookie and any client-sent X-FGM-* or X-Forwarded-* headers removed,
// and the instance token and the user's identity added. The target comes from the pool, which
// chose it from the session's user; nothing in the request can point it elsewhere.
import { TOKEN_HEADER } from "../../feature-app/instance-token";
import { SESSION_COOKIE } from "./identity";

const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

export interface ProxyTarget {
  port: number;
  token: string;
}

export interface ForwardedIdentity {
  clientAddress: string;
  proto: "http" | "https";
  host: string;
  userName: string;
  role: "admin" | "user";
}

const NONE_LISTED: ReadonlySet<string> = new Set();

function connectionListed(headers: Headers): ReadonlySet<string> {
  const listed = headers.get("connection");
  // Most requests carry none, or only keep-alive: no list to build for them.
  if (!listed || listed === "keep-alive" || listed === "close") return NONE_LISTED;
  return new Set(
    listed
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The cookie header without the gateway's session cookie: the app never sees (or leaks) it. */
export function withoutSessionCookie(cookieHeader: string): string {
  return cookieHeader
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && part.split("=")[0]?.trim() !== SESSION_COOKIE)
    .join("; ");
}

/**
 * Whether a request header the client sent goes on to the app as it is. The cookie goes on
 * without the gateway's session cookie (withoutSessionCookie); `listed` are the headers the
 * client's Connection header names, which are hop-by-hop too.
 */
function passedToApp(lowerName: string, listed: ReadonlySet<string>): boolean {
  if (HOP_BY_HOP.has(lowerName) || listed.has(lowerName) || lowerName === "host" || lowerName === "forwarded") return false;
  if (lowerName.startsWith("x-forwarded-") || lowerName.startsWith("x-fgm-")) return false;
  return !lowerName.startsWith("sec-websocket-");
}

/** What the gateway adds to every request it relays: who is asking, and the instance's token. */
function identityFields(target: ProxyTarget, identity: ForwardedIdentity): [string, string][] {
  return [
    ["x-forwarded-for", identity.clientAddress],
    ["x-forwarded-proto", identity.proto],
    ["x-forwarded-host", identity.host],
    [TOKEN_HEADER, target.token],
    ["x-fgm-user", identity.userName],
    ["x-fgm-role", identity.role],
  ];
}

export function upstreamHeaders(incoming: Headers, target: ProxyTarget, identity: ForwardedIdentity): Headers {
  const dropped = connectionListed(incoming);
  const headers = new Headers();
  for (const [name, value] of incoming) {
    const lower = name.toLowerCase();
    if (!passedToApp(lower, dropped)) continue;
    if (lower === "cookie") {
      const kept = withoutSessionCookie(value);
      if (kept) headers.set("cookie", kept);
      continue;
    }
    headers.append(name, value);
  }
  for (const [name, value] of identityFields(target, identity)) headers.set(name, value);
  return headers;
}

function setsSessionCookie(setCookie: string): boolean {
  return setCookie.split("=")[0]?.trim() === SESSION_COOKIE;
}

/**
 * Cleans the app's response headers in place. Bun lets a fetched response's headers change, and
 * passing that response on saves a second Response and Headers around the body on every request.
 */
function cleanDownstreamHeaders(headers: Headers): void {
  for (const name of connectionListed(headers)) headers.delete(name);
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (!headers.has("set-cookie")) return;
  const cookies = headers.getSetCookie();
  headers.delete("set-cookie");
  for (const cookie of cookies) {
    // The app may set its own cookies, never the gateway's session cookie.
    if (!setsSessionCookie(cookie)) headers.append("set-cookie", cookie);
  }
}

/** The app could not be reached, or broke off before answering. */
export class UpstreamError extends Error {}
/** The app did not start answering within the proxy timeout. */
export class UpstreamTimeout extends Error {}

/**
 * One timer for every request still waiting for the app's response headers, instead of a timer
 * set and cleared per request: checked every second, so a request is aborted within a second of
 * its deadline.
 */
class AnswerDeadlines {
  private readonly waiting = new Map<AbortController, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  start(timeoutMs: number): AbortController {
    const controller = new AbortController();
    this.waiting.set(controller, performance.now() + timeoutMs);
    // Started on first use and unref'd: a gateway with no traffic keeps no timer alive.
    this.timer ??= setInterval(() => this.tick(), 1000);
    this.timer.unref();
    return controller;
  }

  done(controller: AbortController): void {
    this.waiting.delete(controller);
  }

  private tick(): void {
    const now = performance.now();
    for (const [controller, deadline] of this.waiting) {
      if (deadline > now) continue;
      this.waiting.delete(controller);
      controller.abort();
    }
  }
}

const deadlines = new AnswerDeadlines();

/**
 * Relays one request: its body streamed to the app, the app's body streamed back (Bun pulls it
 * as the browser's socket drains, so nothing is accumulated). Throws UpstreamTimeout when the app
 * has not answered within `timeoutMs`, UpstreamError when it cannot be reached.
 */
export async function proxyHttp(request: Request, url: URL, target: ProxyTarget, identity: ForwardedIdentity, timeoutMs: number): Promise<Response> {
  const upstreamUrl = `http://127.0.0.1:${target.port}${url.pathname}${url.search}`;
  const deadline = deadlines.start(timeoutMs);
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  let response: Response;
  try {
    response = await fetch(upstreamUrl, {
      method: request.method,
      headers: upstreamHeaders(request.headers, target, identity),
      body: hasBody ? request.body : undefined,
      redirect: "manual",
      decompress: false,
      // Not request.signal: Bun fires it when the next pipelined request arrives on the connection.
      // A browser that goes away cancels the streamed body instead, which ends the upstream read.
      signal: deadline.signal,
    });
  } catch (error) {
    if (deadline.signal.aborted) throw new UpstreamTimeout(`no answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new UpstreamError((error as Error).message);
  } finally {
    deadlines.done(deadline);
  }
  cleanDownstreamHeaders(response.headers);
  return response;
}
