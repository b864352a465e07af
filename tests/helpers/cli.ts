// Runs the real CLI as a child process, the way an administrator would.
import { join } from "node:path";
import { createServer } from "node:net";

export const REPO = join(import.meta.dir, "..", "..");
export const MAIN = join(REPO, "src", "main.ts");

/** The command that starts 5gfm: the built executable when FGM_TEST_BINARY is set, else the source. */
export function cliCommand(): string[] {
  const binary = process.env.FGM_TEST_BINARY;
  return binary ? [binary] : [process.execPath, MAIN];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_")));

export async function runCli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string; command?: string[] } = {},
): Promise<CliResult> {
  const child = Bun.spawn([...(options.command ?? cliCommand()), ...args], {
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    cwd: options.cwd ?? REPO,
    env: { ...CLEAN_ENV, ...options.env },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RunningServe {
  port: number;
  url: string;
  child: ReturnType<typeof Bun.spawn>;
  output(): string;
  stop(): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `5gfm serve` on a free port and waits until /healthz answers. */
export async function startServe(
  dataDir: string,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
  scheme: "http" | "https" = "http",
  command: string[] = cliCommand(),
): Promise<RunningServe> {
  const port = await freePort();
  // A random app-port range that does not contain the gateway's own port.
  let appFirst = 20000 + Math.floor(Math.random() * 20000);
  while (port >= appFirst && port <= appFirst + 20) appFirst = 20000 + Math.floor(Math.random() * 20000);
  const child = Bun.spawn(
    [...command, "serve", "--data", dataDir, "--port", String(port), "--no-open", "--app-ports", `${appFirst}-${appFirst + 20}`, ...extraArgs],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe", cwd: REPO, env: { ...CLEAN_ENV, ...env } },
  );
  let log = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) log += decoder.decode(r.value, { stream: true });
  };
  void collect(child.stdout as ReadableStream<Uint8Array>);
  void collect(child.stderr as ReadableStream<Uint8Array>);
  const url = `${scheme}://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${log}`);
    try {
      // Readiness only: the TLS tests check the certificate themselves.
      const response = await fetch(`${url}/healthz`, { tls: { rejectUnauthorized: false } });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`serve did not answer /healthz within 20 s:\n${log}`);
    }
    await Bun.sleep(50);
  }
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    return child.exited;
  };
  return { port, url, child, output: () => log, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}
