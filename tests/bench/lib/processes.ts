// Child processes the suite starts (gateways, nginx, configurable-http-proxy) and what /proc says
// about them: resident memory, CPU time, children.
import { readFileSync, readdirSync } from "node:fs";

export interface Child {
  pid: number;
  /** The exit code once the process has ended, else null. */
  exitCode(): number | null;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a process whose output is kept (for error messages); stop() ends it and waits. */
export function startChild(command: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Child {
  const child = Bun.spawn(command, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  let log = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) log = (log + decoder.decode(r.value, { stream: true })).slice(-20_000);
  };
  void collect(child.stdout);
  void collect(child.stderr);
  return {
    pid: child.pid,
    exitCode: () => child.exitCode,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const ended = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
      if (!ended) {
        child.kill("SIGKILL");
        await child.exited;
      }
    },
  };
}

/** Polls a URL until it answers (any status) or the deadline passes. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      // not listening yet
    }
    if (child.exitCode() !== null) throw new Error(`${url}: the process ended with ${child.exitCode()}:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.output()}`);
    await Bun.sleep(50);
  }
}

function procKilobytes(path: string, field: string): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(path, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident set size in bytes (VmRSS), 0 if the process is gone. */
export const rssBytes = (pid: number) => procKilobytes(`/proc/${pid}/status`, "VmRSS");

/**
 * The process's own memory (RssAnon): VmRSS also counts the pages of the 5gfm executable it
 * has read, which every instance shares with the others and the gateway (the same file).
 */
export const privateBytes = (pid: number) => procKilobytes(`/proc/${pid}/status`, "RssAnon");

/** Proportional set size: shared pages divided among the processes sharing them, so a sum over processes is the real total. */
export const pssBytes = (pid: number) => procKilobytes(`/proc/${pid}/smaps_rollup`, "Pss");

/** CPU time (user + system) used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // After "pid (comm) ": state is field 0, utime field 11, stime field 12, in clock ticks (100/s on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The direct children of a process, from /proc. */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

/** One variable of a process's environment (we are its parent's parent, and the same user). */
export function environOf(pid: number, name: string): string | undefined {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  return entries.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
}

export const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
