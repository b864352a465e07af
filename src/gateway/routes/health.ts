import { Hono } from "hono";
import { COMMIT, VERSION } from "../../build-info";

/** Open to anyone: load balancers, service monitors and the CI smoke test call it. */
export function healthRoutes(startedAt: number) {
  const app = new Hono();
  app.get("/", (c) =>
    c.json({ status: "ok", version: VERSION, commit: COMMIT, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),
  );
  return app;
}
