// The four ways to one and the same feature-app instance that the HTTP and WebSocket sections
// compare: direct (the limit), through 5gfm's gateway with a real signed-in user, through nginx,
// and through configurable-http-proxy.
import { TOKEN_HEADER } from "../../../feature-app/instance-token";
import { type BenchGateway, loadApp, startGateway, upstreamOf, visitorFor } from "./gateway";
import { type RunningProxy, startChp, startNginx } from "./rival-proxies";

export interface Path {
  name: "direct" | "5gfm" | "nginx" | "chp";
  url: string;
  /** What a client of this path sends besides the request itself. */
  headers: Record<string, string>;
}

export interface FourPaths {
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

export async function startFourPaths(command: string[]): Promise<FourPaths> {
  const gateway: BenchGateway = await startGateway(command, [LOAD_USER]);
  const started: RunningProxy[] = [];
  try {
    const visitor = visitorFor(gateway, LOAD_USER);
    await loadApp(visitor);
    const upstream = await upstreamOf(visitor);
    const paths: Path[] = [
      { name: "direct", url: `http://127.0.0.1:${upstream.port}`, headers: { [TOKEN_HEADER]: upstream.token } },
      // Origin as a browser sends it: the gateway refuses cross-site uploads and WebSockets.
      { name: "5gfm", url: gateway.url, headers: { cookie: visitor.cookieHeader(), origin: gateway.url } },
    ];
    const missing: string[] = [];
    for (const [name, start] of [
      ["nginx", startNginx],
      ["chp", startChp],
    ] as const) {
      const proxy = await start(upstream);
      if (proxy) {
        started.push(proxy);
        paths.push({ name, url: proxy.url, headers: {} });
      } else missing.push(name);
    }
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
