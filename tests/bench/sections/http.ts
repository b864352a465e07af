// HTTP through each path to the same instance: a small (1 KB) answer and a real feature-app page
// at 1, 16 and 64 connections, then a 10 MB download and upload on one connection.
import { type Path, ratio, startProxyPaths } from "../lib/proxy-paths";
import { type BenchOptions, type Cell, type Section, round } from "../lib/section";
import { requireWrk, wrk } from "../lib/wrk";
import { cpuMs } from "../lib/processes";

const TEN_MB = 10 * 1024 * 1024;

interface Case {
  name: string;
  path: string;
  connections: number[];
  /** Bytes sent up per request (a POST), else a GET. */
  uploadBytes?: number;
  /** Figures in MB/s of this many bytes per request instead of requests per second. */
  transferBytes?: number;
}

const CASES: Case[] = [
  { name: "small answer (1 KB)", path: "/app/_diag/download?bytes=1024", connections: [1, 16, 64] },
  { name: "feature-app page", path: "/app/", connections: [1, 16, 64] },
  { name: "10 MB download", path: `/app/_diag/download?bytes=${TEN_MB}`, connections: [1], transferBytes: TEN_MB },
  { name: "10 MB upload", path: "/app/_diag/upload", connections: [1], uploadBytes: TEN_MB, transferBytes: TEN_MB },
];

const relayCpuMs = (path: Path) => path.relayPids.reduce((sum, pid) => sum + cpuMs(pid), 0);

/**
 * The figures of one wrk run, with the CPU time the relay spent per request: unlike a rate, it
 * hardly depends on what else the shared machine is doing.
 */
async function measure(path: Path, kase: Case, connections: number, seconds: number) {
  const headers: Record<string, string> = { ...path.headers, accept: "text/html" };
  if (kase.uploadBytes) headers["content-type"] = "application/octet-stream";
  const cpuBefore = relayCpuMs(path);
  const result = await wrk({ url: `${path.url}${kase.path}`, connections, seconds, headers, uploadBytes: kase.uploadBytes });
  const cpuMsSpent = relayCpuMs(path) - cpuBefore;
  return { ...result, relayCpuUs: path.relayPids.length > 0 && result.requests > 0 ? (cpuMsSpent * 1000) / result.requests : undefined };
}

export const httpSection: Section = {
  name: "http",
  async run(options: BenchOptions) {
    requireWrk();
    await using stack = await startProxyPaths(options.command, options.before);
    // Warm-up: JIT, connection pools and the page's queries, on every path, before any figure.
    for (const path of stack.paths) await measure(path, CASES[1]!, 16, options.quick ? 1 : 2);
    const rows: Cell[][] = [];
    const notes: string[] = [];
    for (const kase of CASES) {
      for (const connections of kase.connections) {
        const results = new Map<string, Awaited<ReturnType<typeof measure>>>();
        // The paths take turns within each case, so a noisy neighbour hurts them alike.
        for (const path of stack.paths) results.set(path.name, await measure(path, kase, connections, options.seconds));
        const rate = (name: string) => {
          const result = results.get(name);
          if (!result) return undefined;
          return kase.transferBytes ? (result.requestsPerSecond * kase.transferBytes) / 1024 ** 2 : result.requestsPerSecond;
        };
        for (const path of stack.paths) {
          const result = results.get(path.name)!;
          const value = rate(path.name)!;
          rows.push([
            kase.name,
            connections,
            path.name,
            kase.transferBytes ? round(value, 1) : Math.round(value),
            kase.transferBytes ? "MB/s" : "req/s",
            round(result.p50Ms, 2),
            round(result.p99Ms, 2),
            result.errors,
            result.relayCpuUs === undefined ? "—" : round(result.relayCpuUs, 1),
            ratio(value, rate("direct")),
            ratio(value, rate("nginx")),
            ratio(value, rate("chp")),
            ratio(value, rate("bun-fetch")),
          ]);
        }
        const direct = results.get("direct");
        for (const name of ["5gfm", "5gfm-before"]) {
          const gateway = results.get(name);
          if (connections === 1 && direct && gateway && !kase.transferBytes) {
            const added = (q: "p50Ms" | "p99Ms") => round(gateway[q] - direct[q], 3);
            notes.push(`${kase.name}: ${name} adds ${added("p50Ms")} ms to the p50 and ${added("p99Ms")} ms to the p99 at 1 connection.`);
          }
        }
      }
    }
    notes.push(
      `wrk -t1, ${options.seconds} s per figure, the paths taking turns; every path reaches the same feature-app instance.`,
      "5gfm: a real user (IP rule 127.0.0.1, where wrk connects from) with a real session cookie; every request goes through the full session, identity and pool checks.",
      "nginx: Debian's package, 1 worker, keepalive 64 to the upstream, buffering off; chp: configurable-http-proxy with --custom-header for the instance token.",
      "relay CPU: user + system time of the relaying processes (5gfm's gateway, nginx's master and worker, chp's node, the bare relay) during the run, per request; /proc counts in 10 ms ticks.",
      "5gfm-before: the gateway of another checkout (--before), in front of its own instance of the same feature app.",
      "bun-fetch: a bare Bun.serve + fetch relay that only adds the token (tests/bench/lib/bare-bun-proxy.ts), the floor of any Bun-based proxy.",
      ...stack.missing.map((name) => `${name} is not installed here: its figures are missing.`),
    );
    return {
      title: "HTTP through the proxy",
      notes,
      columns: ["case", "connections", "path", "rate", "unit", "p50 ms", "p99 ms", "errors", "relay CPU µs/req", "× direct", "× nginx", "× chp", "× bun-fetch"],
      rows,
    };
  },
};
