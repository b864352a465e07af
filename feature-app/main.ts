// One user's feature-app process. It binds 127.0.0.1 only: the gateway is its sole client.
import { Hono } from "hono";
import { createLogger } from "../src/log";
import { demoCatalog } from "./demo-catalog";

const log = createLogger("feature-app");

export interface FeatureAppOptions {
  port: number;
  user: string;
  exitWithStdin?: boolean;
}

export function createFeatureApp(options: FeatureAppOptions) {
  const startedAt = Date.now();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const app = new Hono();
  app.get("/app/_health", (c) => {
    const cpu = process.cpuUsage();
    const now = performance.now();
    const cpuPercent = ((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
    [lastCpu, lastAt] = [cpu, now];
    return c.json({
      status: "ok",
      user: options.user,
      pid: process.pid,
      rssBytes: process.memoryUsage.rss(),
      cpuPercent: Math.round(cpuPercent * 10) / 10,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      demoFeatures: demoCatalog.features.length,
    });
  });
  return app;
}

/** Resolves with the exit code once the process should end. */
export function runFeatureApp(options: FeatureAppOptions): Promise<number> {
  const app = createFeatureApp(options);
  const server = Bun.serve({ hostname: "127.0.0.1", port: options.port, fetch: app.fetch });
  log.info("listening", { port: server.port, user: options.user, pid: process.pid });
  return new Promise((resolve) => {
    const stop = (reason: string) => {
      log.info("stopping", { reason });
      server.stop(true);
      resolve(0);
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    // The gateway holds our stdin pipe; when it closes, the gateway is gone (even if killed hard).
    if (options.exitWithStdin) {
      process.stdin.on("end", () => stop("parent gone (stdin closed)"));
      process.stdin.on("error", () => stop("parent gone (stdin error)"));
      process.stdin.resume();
    }
  });
}
