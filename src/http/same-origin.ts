import { createMiddleware } from "hono/factory";
import { PublicError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard: a state-changing request, and every WebSocket upgrade (which
 * browsers let any site open), must come from a page of this very server, as its Origin (or,
 * failing that, Referer) header shows. Browsers always send one of them on form posts, fetches
 * and WebSockets, so a request with neither is refused too.
 */
export function sameOriginMiddleware() {
  return createMiddleware(async function sameOrigin(c, next) {
    const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if (SAFE_METHODS.has(c.req.method) && !upgrade) return next();
    const host = c.req.header("host");
    const source = c.req.header("origin") ?? c.req.header("referer");
    let sourceHost: string | undefined;
    try {
      sourceHost = source && source !== "null" ? new URL(source).host : undefined;
    } catch {
      sourceHost = undefined;
    }
    if (!host || sourceHost !== host) throw new PublicError("cross-site request refused", undefined, 403, "error.crossSite");
    await next();
  });
}
