// One feature-app child process: how it is started, how we know it is ready, how it is stopped.
// Contract (after JupyterHub's spawner): spawn() → a running process on 127.0.0.1:port;
// waitReady() → resolves once /app/_health answers; stop() escalates stdin-close → kill → log.
import type { Subprocess } from "bun";
import { join } from "node:path";
import { IS_COMPILED } from "../build-info";
import { createLogger } from "../log";
import { TOKEN_HEADER } from "../../feature-app/instance-token";
import type { RotatingLog } from "./rotating-log";

const log = createLogger("instances");

export { TOKEN_HEADER } from "../../feature-app/instance-token";

export interface InstanceUser {
  name: string;
  displayName: string;
  role: "admin" | "user";
}

export interface AppHealth {
  user: string;
  pid: number;
  uptimeSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  cpuSeconds: number;
  openWebSockets: number;
}

export interface SpawnOptions {
  port: number;
  token: string;
  user?: InstanceUser;
  log: RotatingLog;
  /** Settings passed through: the gateway's database and console path. */
  appEnv: Record<string, string>;
}

/** The same executable with the feature-app subcommand (from source in development). */
export function featureAppCommand(): string[] {
  return IS_COMPILED
    ? [process.execPath, "feature-app"]
    : [process.execPath, join(import.meta.dir, "..", "main.ts"), "feature-app"];
}

export class FeatureAppProcess {
  readonly exited: Promise<number>;
  private exitCode: number | null = null;

  private constructor(
    private readonly child: Subprocess<"pipe", "pipe", "pipe">,
    readonly port: number,
    private readonly token: string,
  ) {
    this.exited = child.exited.then((code) => {
      this.exitCode = code;
      return code;
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  static spawn(options: SpawnOptions): FeatureAppProcess {
    const args = ["--port", String(options.port), "--exit-with-stdin"];
    if (options.user) args.push("--user", options.user.name);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      // The child takes its settings from here, not from the gateway's own FGM_* environment.
      if (value !== undefined && !key.startsWith("FGM_")) env[key] = value;
    }
    Object.assign(env, options.appEnv, { FGM_INSTANCE_TOKEN: options.token });
    if (options.user) {
      env.FGM_USER_DISPLAY_NAME = options.user.displayName;
      env.FGM_USER_ROLE = options.user.role;
    }
    // stdin stays open for the child's whole life: when the gateway dies, even by kill -9, the
    // pipe closes and the child exits on its own (this works on Windows as well).
    const child = Bun.spawn([...featureAppCommand(), ...args], { stdin: "pipe", stdout: "pipe", stderr: "pipe", env });
    const instance = new FeatureAppProcess(child, options.port, options.token);
    void pump(child.stdout, options.log);
    void pump(child.stderr, options.log);
    return instance;
  }

  async health(timeoutMs = 2000): Promise<AppHealth | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/app/_health`, {
        headers: { [TOKEN_HEADER]: this.token },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return response.ok ? ((await response.json()) as AppHealth) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Polls the health endpoint until it answers, the process exits, or the time is up. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let delay = 25;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`the feature app exited with code ${this.exitCode} before it was ready`);
      if (await this.health(1000)) return;
      await Bun.sleep(delay);
      delay = Math.min(delay * 2, 250);
    }
    throw new Error(`the feature app was not ready within ${Math.round(timeoutMs / 1000)} s`);
  }

  /** Graceful first (stdin closes: the app finishes its requests), then kill, then report. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    try {
      this.child.stdin.end();
    } catch {
      // already closed
    }
    if (await settlesWithin(this.exited, graceMs)) return;
    log.warn("feature app ignored the stop request; killing it", { pid: this.pid, port: this.port });
    this.child.kill("SIGKILL");
    if (!(await settlesWithin(this.exited, 3000))) log.error("feature app did not die", { pid: this.pid, port: this.port });
  }

  /** For tests of crash handling and for processes that must go now. */
  kill(): void {
    this.child.kill("SIGKILL");
  }
}

/** Whether the promise settles within ms; the timer is cleared either way, so it never holds the process open. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([promise.then(
    () => true,
    () => true,
  ), timeout]);
  clearTimeout(timer);
  return result;
}

async function pump(stream: ReadableStream<Uint8Array>, target: RotatingLog): Promise<void> {
  const reader = stream.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) target.write(r.value);
  } catch {
    // the child is gone; nothing more to copy
  }
}
