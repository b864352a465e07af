// Starts the real `5gfm feature-app` the way the gateway does: a free port, a fresh token in the
// environment, then polling /app/_health with that token until it answers.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { REPO, cliCommand, freePort } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

export const TOKEN_HEADER = "X-FGM-Token";

/** The test runner's own FGM_* settings must not leak into the child. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("FGM_")) env[key] = value;
  return { ...env, ...extra };
}

export interface RunningApp extends AsyncDisposable {
  port: number;
  url: string;
  token: string;
  child: Bun.Subprocess<"pipe" | "ignore", "pipe", "pipe">;
  /** Headers that pass the token check. */
  auth: Record<string, string>;
  output(): string;
}

export interface StartOptions {
  /** Omit for a spare. */
  user?: string;
  env?: Record<string, string>;
  args?: string[];
  stdin?: "pipe" | "ignore";
}

export async function startFeatureApp(options: StartOptions = {}): Promise<RunningApp> {
  const port = await freePort();
  const token = randomBytes(32).toString("base64url");
  const args = ["feature-app", "--port", String(port), ...(options.user ? ["--user", options.user] : []), ...(options.args ?? [])];
  // Its own database unless the test shares one (FGM_DATA in options.env).
  const data = options.env?.FGM_DATA ? undefined : tempDir("5gfm-app-");
  const child = Bun.spawn([...cliCommand(), ...args], {
    stdin: options.stdin ?? "ignore",
    stdout: "pipe",
    stderr: "pipe",
    cwd: REPO,
    env: cleanEnv({ FGM_INSTANCE_TOKEN: token, ...(data ? { FGM_DATA: data.path } : {}), ...options.env }),
  });
  let log = "";
  for (const stream of [child.stdout, child.stderr]) {
    void (async () => {
      const reader = stream.getReader();
      const decoder = new TextDecoder();
      for (let r = await reader.read(); !r.done; r = await reader.read()) log += decoder.decode(r.value, { stream: true });
    })();
  }
  const url = `http://127.0.0.1:${port}`;
  const auth = { [TOKEN_HEADER]: token };
  const app: RunningApp = {
    port,
    url,
    token,
    child,
    auth,
    output: () => log,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await child.exited;
        clearTimeout(timer);
      }
      data?.[Symbol.dispose]();
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`feature-app exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${url}/app/_health`, { headers: auth }).then((r) => r.ok, () => false);
    if (ready) return app;
    if (Date.now() > deadline) {
      await app[Symbol.asyncDispose]();
      throw new Error(`feature-app did not answer /app/_health within 20 s:\n${log}`);
    }
    await Bun.sleep(50);
  }
}

/** Sends raw bytes and returns the status code of the answer: for requests fetch will not make. */
export function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let head = "";
    socket.on("data", (data) => {
      head += data.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`connection closed; got ${JSON.stringify(head)}`)));
  });
}

/** A WebSocket upgrade request as a browser sends it, with extra header lines. */
export function upgradeRequest(headerLines: string[] = []): string {
  return [
    "GET /app/ws HTTP/1.1",
    "Host: 127.0.0.1",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    ...headerLines,
    "",
    "",
  ].join("\r\n");
}

export interface TestSocket {
  socket: WebSocket;
  /** The next message (text or binary) not yet taken. */
  next(): Promise<string | ArrayBuffer>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a WebSocket to the app with the token (Bun's client accepts headers) and queues its messages. */
export function openSocket(app: RunningApp): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${app.port}/app/ws`, { headers: app.auth } as unknown as string[]);
    socket.binaryType = "arraybuffer";
    const queue: (string | ArrayBuffer)[] = [];
    const waiting: ((message: string | ArrayBuffer) => void)[] = [];
    socket.onmessage = (event) => {
      const taker = waiting.shift();
      if (taker) taker(event.data);
      else queue.push(event.data);
    };
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      socket.onclose = (event) => done({ code: event.code, reason: event.reason });
    });
    const next = () => {
      const queued = queue.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise<string | ArrayBuffer>((take) => waiting.push(take));
    };
    socket.onopen = () => resolve({ socket, next, closed });
    socket.onerror = () => reject(new Error("WebSocket failed"));
  });
}
