import { createMiddleware } from "hono/factory";

/** No inline script anywhere: htmx and uPlot are served from /static, so the policy can forbid it. */
export function securityHeaders() {
  return createMiddleware(async function securityHeaders(c, next) {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    c.header("x-frame-options", "DENY");
    // Under HTTPS, browsers are told to come back over HTTPS only.
    if (c.req.url.startsWith("https:")) c.header("strict-transport-security", "max-age=31536000");
    if (c.res.headers.get("content-type")?.startsWith("text/html")) {
      c.header(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
      );
    }
  });
}
