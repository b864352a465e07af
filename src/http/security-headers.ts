import type { Context } from "hono";
import { createMiddleware } from "hono/factory";

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * Set on the finished response itself: c.header() after the handler would wrap the response
 * (and its body) in a new one for every header, three or four times per request. A response
 * whose headers cannot change (none here in Bun, but the guard is cheap) takes the slow way.
 */
function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/**
 * What every answer carries, the relayed app's too. No inline script anywhere: htmx and uPlot are
 * served from /static, so the policy can forbid it.
 */
export function securityHeaderList(https: boolean, contentType: string | null): [string, string][] {
  const list: [string, string][] = [
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "same-origin"],
    ["x-frame-options", "DENY"],
  ];
  // Under HTTPS, browsers are told to come back over HTTPS only.
  if (https) list.push(["strict-transport-security", "max-age=31536000"]);
  if (contentType?.startsWith("text/html")) list.push(["content-security-policy", CONTENT_SECURITY_POLICY]);
  return list;
}

export function securityHeaders(https: boolean) {
  return createMiddleware(async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of securityHeaderList(https, c.res.headers.get("content-type"))) setHeader(c, name, value);
  });
}
