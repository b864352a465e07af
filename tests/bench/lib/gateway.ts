// A real 5gfm gateway for the suite: a fresh data folder with an admin and the given users (each
// with an IP rule), `5gfm serve` on a free port, and the ways in that a browser would take.
import { readFileSync } from "node:fs";
import { openDatabase } from "../../../src/db/open";
import { UserStore } from "../../../src/users/user-store";
import { freePort } from "../../helpers/cli";
import { type FromResponse, Visitor } from "../../helpers/http-from";
import { tempDir } from "../../helpers/temp-dir";
import { TOKEN_HEADER } from "../../../feature-app/instance-token";
import { type Child, childPids, environOf, startChild, waitForHttp } from "./processes";

export interface BenchUser {
  name: string;
  /** The loopback address the user's "machine" connects from, and their IP rule. */
  address: string;
}

export interface BenchGateway {
  url: string;
  pid: number;
  child: Child;
  [Symbol.asyncDispose](): Promise<void>;
}

const ACTOR = { name: "bench", address: "127.0.0.1" };

export async function startGateway(
  command: string[],
  users: BenchUser[],
  options: { spares?: number; maxInstances?: number; seedWithCli?: boolean; extraArgs?: string[] } = {},
): Promise<BenchGateway> {
  const dir = tempDir("5gfm-bench-");
  if (options.seedWithCli) {
    // Another checkout's database schema may be older than this one's: its own CLI seeds it.
    for (const [name, role, address] of [["bench-admin", "admin", "127.0.0.254"], ...users.map((u) => [u.name, "user", u.address])]) {
      const added = Bun.spawnSync([...command, "user", "add", name!, "--role", role!, "--ip", address!, "--data", dir.path], { stdout: "pipe", stderr: "pipe" });
      if (added.exitCode !== 0) throw new Error(`user add ${name} failed: ${added.stderr.toString()}`);
    }
  } else {
    const opened = await openDatabase({ dataDir: dir.path });
    const store = new UserStore(opened.db);
    await store.add({ name: "bench-admin", role: "admin", ips: ["127.0.0.254"] }, ACTOR);
    for (const user of users) await store.add({ name: user.name, role: "user", ips: [user.address] }, ACTOR);
    opened.close();
  }

  const port = await freePort();
  const appFirst = 30_000 + Math.floor(Math.random() * 20_000);
  const args = ["serve", "--data", dir.path, "--port", String(port), "--no-open", "--diagnostics"];
  args.push("--app-ports", `${appFirst}-${appFirst + 150}`, "--max-instances", String(options.maxInstances ?? 120));
  args.push("--spare-instances", String(options.spares ?? 0), "--instance-ready-wait-seconds", "30", ...(options.extraArgs ?? []));
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_"))) as Record<string, string>;
  const url = `http://127.0.0.1:${port}`;
  let child: Child;
  for (let attempt = 1; ; attempt++) {
    child = startChild([...command, ...args], { env });
    try {
      await waitForHttp(`${url}/healthz`, child);
      break;
    } catch (error) {
      await child.stop();
      // The seeding connection's lock can outlive its close() by a moment: worth another try.
      if (attempt < 3 && child.output().includes("database is locked")) continue;
      dir[Symbol.dispose]();
      throw error;
    }
  }
  return {
    url,
    pid: child.pid,
    child,
    async [Symbol.asyncDispose]() {
      await child.stop();
      dir[Symbol.dispose]();
    },
  };
}

/** A browser at the user's address, with its session cookie from a first visit. */
export function visitorFor(gateway: BenchGateway, user: BenchUser): Visitor {
  return new Visitor(user.address, gateway.url, { accept: "text/html" });
}

/** Loads the user's app page until it answers 200 (the first visit starts the instance). */
export async function loadApp(visitor: Visitor, timeoutMs = 60_000): Promise<FromResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await visitor.get("/app/");
    if (response.status === 200) return response;
    if (response.status !== 503 || Date.now() > deadline) throw new Error(`/app/ answered ${response.status}: ${response.body.slice(0, 300)}`);
    await Bun.sleep(10);
  }
}

export interface Upstream {
  pid: number;
  port: number;
  token: string;
}

/** A feature-app process as an operator can see it: its port and token from /proc, not from a gateway internal. */
export function instanceAt(pid: number): Upstream {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const port = Number(argv[argv.indexOf("--port") + 1]);
  const token = environOf(pid, "FGM_INSTANCE_TOKEN");
  if (!token || !port) throw new Error(`could not read the port and token of feature app ${pid}`);
  return { pid, port, token };
}

/** The user's own feature-app instance: its pid from its health answer through the gateway. */
export async function upstreamOf(visitor: Visitor): Promise<Upstream> {
  const health = await visitor.get("/app/_health");
  return instanceAt((JSON.parse(health.body) as { pid: number }).pid);
}

/** How many of the gateway's feature apps (spares included) answer their health check. */
export async function readyInstances(gateway: BenchGateway): Promise<number> {
  const answers = await Promise.all(
    childPids(gateway.pid).map(async (pid) => {
      try {
        const { port, token } = instanceAt(pid);
        const response = await fetch(`http://127.0.0.1:${port}/app/_health`, { headers: { [TOKEN_HEADER]: token } });
        return response.ok;
      } catch {
        return false;
      }
    }),
  );
  return answers.filter(Boolean).length;
}

export async function waitForInstances(gateway: BenchGateway, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await readyInstances(gateway)) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} feature apps were ready after ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}
