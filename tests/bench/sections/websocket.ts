// WebSocket relay: ping/pong round trips through each path to the same instance, at 1 and 32
// sockets.
import { ratio, startProxyPaths } from "../lib/proxy-paths";
import type { BenchOptions, Cell, Section } from "../lib/section";
import { round } from "../lib/section";
import { type PingPongResult, pingPong } from "../lib/ws-pingpong";

export const websocketSection: Section = {
  name: "websocket",
  async run(options: BenchOptions) {
    await using stack = await startProxyPaths(options.command, options.before);
    const rows: Cell[][] = [];
    for (const connections of [1, 32]) {
      const results = new Map<string, PingPongResult>();
      for (const path of stack.paths) {
        const url = `${path.url.replace(/^http/, "ws")}/app/ws`;
        results.set(path.name, await pingPong(url, connections, options.seconds, path.headers));
      }
      const rate = (name: string) => results.get(name)?.roundTripsPerSecond;
      for (const path of stack.paths) {
        const result = results.get(path.name)!;
        rows.push([
          connections,
          path.name,
          Math.round(result.roundTripsPerSecond),
          round(result.p50Ms, 3),
          round(result.p99Ms, 3),
          result.errors,
          ratio(result.roundTripsPerSecond, rate("direct")),
          ratio(result.roundTripsPerSecond, rate("nginx")),
          ratio(result.roundTripsPerSecond, rate("chp")),
          ratio(result.roundTripsPerSecond, rate("bun-fetch")),
        ]);
      }
    }
    return {
      title: "WebSocket relay (ping/pong)",
      notes: [
        `A Bun client: each socket sends a ping, waits for its pong, sends the next; 1 s warm-up, then ${options.seconds} s measured.`,
        "bun-fetch: a bare Bun.serve websocket + WebSocket client relay (tests/bench/lib/bare-bun-proxy.ts), the floor of any Bun-based relay.",
        "The 5gfm socket carries the user's session cookie and the page's Origin, as a browser's does.",
        ...stack.missing.map((name) => `${name} is not installed here: its figures are missing.`),
      ],
      columns: ["sockets", "path", "round trips/s", "p50 ms", "p99 ms", "errors", "× direct", "× nginx", "× chp", "× bun-fetch"],
      rows,
    };
  },
};
