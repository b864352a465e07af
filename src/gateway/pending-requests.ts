// The console menu shows how many access requests wait, on every console page an admin opens.
// Counted only for whole pages an admin asks for: htmx fragments and chart data poll every few
// seconds and do not show the menu, and nobody else may know the count.
import { createMiddleware } from "hono/factory";
import { isHtmx } from "../http/htmx";
import type { GatewayEnv } from "./context";

export function countPendingRequests() {
  return createMiddleware<GatewayEnv>(async function countPendingRequests(c, next) {
    if (c.req.method === "GET" && !isHtmx(c) && c.get("identity")?.user.role === "admin") {
      c.set("pendingRequests", await c.get("services").accessRequests.countPending());
    }
    await next();
  });
}
