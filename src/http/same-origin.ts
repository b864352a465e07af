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
 * and WebSockets, so a request with neither is refused too.
 */
export function sameOriginMiddleware(https: boolean) {
  return createMiddleware(async function sameOrigin(c, next) {
    const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if (SAFE_METHODS.has(c.req.method) && !upgrade) return next();
    const source = c.req.header("origin") ?? c.req.header("referer");
    if (!isSameOrigin(source, c.req.header("host"), https)) throw new PublicError("cross-site request refused", undefined, 403, "error.crossSite");
    await next();
  });
}
