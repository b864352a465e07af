import type { Context } from "hono";

/** A script rather than a browser: it asked for JSON, called the app's API, or a .json address (the charts' data). */
export const wantsJson = (c: Context) =>
  (c.req.header("accept") ?? "").includes("application/json") || c.req.path.startsWith("/app/api/") || c.req.path.endsWith(".json");
