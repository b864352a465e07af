// wrk (Debian's package) as the one HTTP load generator for every path, parsed into numbers.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../helpers/temp-dir";

export interface WrkResult {
  requestsPerSecond: number;
  /** Requests completed in the whole run. */
  requests: number;
  /** Bytes per second received. */
  readPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers plus socket errors. */
  errors: number;
}

export interface WrkRun {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Sent as a POST body of this many bytes. */
  uploadBytes?: number;
}

export function requireWrk(): void {
  if (!Bun.which("wrk")) throw new Error("wrk is not installed: apt-get install wrk (Debian's package)");
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const SIZES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function latencyMs(output: string, percent: string): number {
  const match = new RegExp(`\\s${percent}%\\s+([\\d.]+)(us|ms|s|m)\\b`).exec(output);
  return match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN;
}

export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in /.exec(output);
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (!rps) throw new Error(`wrk printed no result:\n${output}`);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: Number(rps[1]),
    requests: Number(total?.[1] ?? 0),
    readPerSecond: transfer ? Number(transfer[1]) * SIZES[transfer[2]!]! : 0,
    p50Ms: latencyMs(output, "50"),
    p99Ms: latencyMs(output, "99"),
    errors: Number(non2xx?.[1] ?? 0) + socketErrors,
  };
}

/** One thread: on two cores the load generator should take as little as it can from what it measures. */
export async function wrk(run: WrkRun): Promise<WrkResult> {
  using dir = tempDir("5gfm-wrk-");
  const args = ["wrk", "-t1", `-c${run.connections}`, `-d${run.seconds}s`, "--latency", "--timeout", "10s"];
  for (const [name, value] of Object.entries(run.headers ?? {})) args.push("-H", `${name}: ${value}`);
  if (run.uploadBytes !== undefined) {
    const script = join(dir.path, "upload.lua");
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = string.rep("x", ${run.uploadBytes})\n`);
    args.push("-s", script);
  }
  const child = Bun.spawn([...args, run.url], { stdout: "pipe", stderr: "pipe" });
  const [output, errors] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return parseWrk(output + errors);
}
