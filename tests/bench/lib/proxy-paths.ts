// The ways to one and the same feature-app instance that the HTTP and WebSocket sections compare:
// direct (the limit), through 5gfm's gateway with a real signed-in user, through nginx, through
// configurable-http-proxy, and through a bare Bun relay (fetch for HTTP, Bun.serve's websocket and
// a WebSocket client for WebSockets), the floor of any Bun proxy.
import { TOKEN_HEADER } from "../../../feature-app/instance-token";
import { type BenchGateway, type Upstream, loadApp, startGateway, upstreamOf, visitorFor } from "./gateway";
import { join } from "node:path";
import { freePort } from "../../helpers/cli";
import { childPids, startChild, waitForHttp } from "./processes";
import { type RunningProxy, startChp, startNginx } from "./rival-proxies";

export interface Path {
  name: "direct" | "5gfm" | "5gfm-before" | "nginx" | "chp" | "bun-fetch";
  url: string;
  /** What a client of this path sends besides the request itself. */
  headers: Record<string, string>;
  /** The processes doing the relaying, whose CPU time is the proxy's cost (none for direct). */
  relayPids: number[];
}

export interface ProxyPaths {
  paths: Path[];
  missing: string[];
  gatewayPid: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * wrk cannot choose its source address, so the measured user is the one whose IP rule is
 * 127.0.0.1, where wrk connects from; the identity work per request is the same for any address.
 */
export const LOAD_USER = { name: "load", address: "127.0.0.1" };

async function startBareBunProxy(upstream: Upstream): Promise<RunningProxy> {
  const port = await freePort();
  const child = startChild([process.execPath, join(import.meta.dir, "bare-bun-proxy.ts"), String(port), String(upstream.port), upstream.token]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child);
  return { url, pid: child.pid, [Symbol.asyncDispose]: () => child.stop() };
}

/** `before`: another 5gfm measured in the same run (its own instance of the same feature app), for before/after figures. */
export async function startProxyPaths(command: string[], before?: string[]): Promise<ProxyPaths> {
  // The WebSocket section opens 32 sockets as one user, more than a browser needs (and than the default limit).
  const extraArgs = ["--max-websockets-per-user", "64"];
  const gateway: BenchGateway = await startGateway(command, [LOAD_USER], { extraArgs });
  const started: RunningProxy[] = [];
  try {
    const visitor = visitorFor(gateway, LOAD_USER);
    await loadApp(visitor);
    const upstream = await upstreamOf(visitor);
    const paths: Path[] = [
      { name: "direct", url: `http://127.0.0.1:${upstream.port}`, headers: { [TOKEN_HEADER]: upstream.token }, relayPids: [] },
      // Origin as a browser sends it: the gateway refuses cross-site uploads and WebSockets.
      {
        name: "5gfm",
        url: gateway.url,
        headers: { cookie: visitor.cookieHeader(), origin: gateway.url },
        relayPids: [gateway.pid],
      },
    ];
    if (before) {
      const old = await startGateway(before, [LOAD_USER], { seedWithCli: true, extraArgs });
      started.push(old);
      const oldVisitor = visitorFor(old, LOAD_USER);
      await loadApp(oldVisitor);
      paths.push({ name: "5gfm-before", url: old.url, headers: { cookie: oldVisitor.cookieHeader(), origin: old.url }, relayPids: [old.pid] });
    }
    const missing: string[] = [];
    for (const [name, start] of [
      ["nginx", startNginx],
      ["chp", startChp],
    ] as const) {
      const proxy = await start(upstream);
      if (proxy) {
        started.push(proxy);
        // nginx relays in its worker, a child of the master.
        paths.push({ name, url: proxy.url, headers: {}, relayPids: [proxy.pid, ...childPids(proxy.pid)] });
      } else missing.push(name);
    }
    const bare = await startBareBunProxy(upstream);
    started.push(bare);
    paths.push({ name: "bun-fetch", url: bare.url, headers: {}, relayPids: [bare.pid] });
    return {
      paths,
      missing,
      gatewayPid: gateway.pid,
      async [Symbol.asyncDispose]() {
        for (const proxy of started) await proxy[Symbol.asyncDispose]();
        await gateway[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    for (const proxy of started) await proxy[Symbol.asyncDispose]();
    await gateway[Symbol.asyncDispose]();
    throw error;
  }
}

/** "×" figures against a named path of the same run. */
export function ratio(value: number, base: number | undefined): string {
  return base ? `${(value / base).toFixed(2)}×` : "–";
}
