import { createMiddleware } from "hono/factory";
import { PublicError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether `source` (an Origin or Referer header) is a page of this very server: the same scheme
 * as the server speaks (an https: page is another origin for an http: server, and the other way
 * round) and the same host and port as the request's Host header, default ports made explicit.
 * The Host itself has already been checked against the names the server answers to.
 */
export function isSameOrigin(source: string | null | undefined, host: string | undefined, https: boolean): boolean {
  if (!source || source === "null" || !host) return false;
  const scheme = https ? "https:" : "http:";
  try {
    const from = new URL(source);
    return from.protocol === scheme && from.host === new URL(`${scheme}//${host}`).host;
  } catch {
    return false;
  }
}

/**
 * Cross-site request forgery guard: a state-changing request, and every WebSocket upgrade (which
 * browsers let any site open), must come from a page of this very server, as its Origin (or,
 * failing that, Referer) header shows. Browsers always send one of them on form posts, fetches
 * and WebSockets, so a request with neither is refused too. True when the request is refused.
 */
export function crossSiteRefused(method: string, headers: Headers, https: boolean): boolean {
  const upgrade = headers.get("upgrade")?.toLowerCase() === "websocket";
  if (SAFE_METHODS.has(method) && !upgrade) return false;
  const source = headers.get("origin") ?? headers.get("referer");
  return !isSameOrigin(source, headers.get("host") ?? undefined, https);
}

export function crossSiteError(): PublicError {
  return new PublicError("cross-site request refused", undefined, 403, "error.crossSite");
}

export function sameOriginMiddleware(https: boolean) {
  return createMiddleware(async function sameOrigin(c, next) {
    if (crossSiteRefused(c.req.method, c.req.raw.headers, https)) throw crossSiteError();
    await next();
  });
}
