// Only the gateway may talk to an instance: it sends the secret it gave the process at start.
// Other local programs (or other users' instances) can reach 127.0.0.1 too, so every request
// is checked, the WebSocket upgrade included.
import { createHash, timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";

export const TOKEN_HEADER = "x-fgm-token";
/** The gateway makes 32 random bytes (43 characters); anything this short is a mistake. */
export const MIN_TOKEN_LENGTH = 32;

// Comparing digests keeps both sides the same length, so the comparison time says nothing about the token.
const digest = (text: string) => createHash("sha256").update(text).digest();

export function requireInstanceToken(token: string) {
  const expected = digest(token);
  return createMiddleware(async function requireInstanceToken(c, next) {
    const given = c.req.header(TOKEN_HEADER);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return c.json({ error: "missing or wrong instance token" }, 401);
    }
    await next();
  });
}
