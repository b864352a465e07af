import type { Context } from "hono";

/** A script rather than a browser: it asked for JSON, or it called the app's API. */
export const wantsJson = (c: Context) => (c.req.header("accept") ?? "").includes("application/json") || c.req.path.startsWith("/app/api/");
