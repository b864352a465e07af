// GET /metrics in Prometheus' text format, for those who run Grafana. Off until a bearer token
// is configured (metricsToken); then only requests carrying it are answered.
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { GatewayEnv } from "../context";

const digest = (text: string) => createHash("sha256").update(text).digest();

function line(name: string, value: number | null, labels: Record<string, string> = {}): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (ch) => (ch === "\n" ? "\\n" : `\\${ch}`))}"`);
  return `${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${value ?? "NaN"}`;
}

export function metricsRoutes() {
  const app = new Hono<GatewayEnv>();
  app.get("/", async (c) => {
    const { config, sampler, pool, sessions } = c.get("services");
    if (!config.metricsToken) return c.notFound();
    const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
    if (!timingSafeEqual(digest(given), digest(config.metricsToken))) {
      c.header("www-authenticate", 'Bearer realm="5gfm metrics"');
      return c.text("a valid bearer token is required\n", 401);
    }
    const sample = sampler.latest();
    const instances = pool.list();
    const out: string[] = [];
    const gauge = (name: string, help: string, rows: string[]) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...rows);
    if (sample) {
      gauge("fgm_system_cpu_percent", "System CPU use, percent.", [line("fgm_system_cpu_percent", sample.cpuPercent)]);
      gauge("fgm_system_memory_used_bytes", "System memory in use.", [line("fgm_system_memory_used_bytes", sample.memoryUsedBytes)]);
      gauge("fgm_system_memory_total_bytes", "System memory in all.", [line("fgm_system_memory_total_bytes", sample.memoryTotalBytes)]);
      gauge("fgm_gateway_rss_bytes", "Resident memory of the gateway.", [line("fgm_gateway_rss_bytes", sample.gatewayRssBytes)]);
      gauge("fgm_event_loop_lag_ms", "Worst event-loop lag in the last sample window.", [line("fgm_event_loop_lag_ms", sample.eventLoopLagMs)]);
      gauge("fgm_requests_per_second", "Gateway requests per second in the last sample window.", [
        line("fgm_requests_per_second", sample.requestsPerSecond),
      ]);
      gauge("fgm_proxy_latency_ms", "Time to response headers through the proxy.", [
        line("fgm_proxy_latency_ms", sample.proxyP50Ms, { quantile: "0.5" }),
        line("fgm_proxy_latency_ms", sample.proxyP95Ms, { quantile: "0.95" }),
        line("fgm_proxy_latency_ms", sample.proxyP99Ms, { quantile: "0.99" }),
      ]);
      gauge("fgm_open_websockets", "WebSockets open through the gateway.", [line("fgm_open_websockets", sample.openWebSockets)]);
    }
    const states = ["starting", "running", "stopping", "stopped", "failed"] as const;
    gauge(
      "fgm_instances",
      "Feature-app instances by state.",
      states.map((state) => line("fgm_instances", instances.filter((i) => i.state === state).length, { state })),
    );
    gauge(
      "fgm_instance_rss_bytes",
      "Resident memory of each running feature app.",
      instances.filter((i) => i.rssBytes !== null).map((i) => line("fgm_instance_rss_bytes", i.rssBytes, { user: i.userName || "(spare)" })),
    );
    gauge("fgm_sessions_open", "Open sessions.", [line("fgm_sessions_open", (await sessions.listOpen()).length)]);
    gauge("fgm_alerts_active", "Alerts currently raised.", [line("fgm_alerts_active", sampler.alerts().length)]);
    return c.text(`${out.join("\n")}\n`, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}
