// What the end-to-end journeys need: the real built executable, and people on different
// machines. Chromium cannot choose its source address, so each person browses through a small
// TCP forwarder that listens on their own loopback address and connects to the gateway from it:
// the gateway sees 127.0.0.N as it would see a colleague's PC.
import { mkdirSync } from "node:fs";
import { type Server, type Socket, connect, createServer } from "node:net";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { REPO } from "../helpers/cli";

export const SCREENSHOTS = join(REPO, "tests", "e2e", "screenshots");

let built: string | undefined;

/** Builds the Linux executable once per test run (about a second) and returns its path. */
export async function builtExecutable(): Promise<string> {
  if (built) return built;
  const build = Bun.spawn([process.execPath, "build/build.ts", "--target", "linux-x64"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(build.stdout).text(), new Response(build.stderr).text(), build.exited]);
  if (code !== 0) throw new Error(`the build failed:\n${out}\n${err}`);
  built = join(REPO, "dist", "5gfm-linux-x64");
  return built;
}

export interface Forwarder {
  /** Where this person's browser goes: http://127.0.0.N:port, relayed to the gateway from 127.0.0.N. */
  url: string;
  close(): Promise<void>;
}

export function forwardFrom(address: string, gatewayPort: number): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming) => {
    const outgoing = connect({ host: "127.0.0.1", port: gatewayPort, localAddress: address });
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        incoming.destroy();
        outgoing.destroy();
      });
    }
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://${address}:${port}`,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** One person: their own machine (address), browser profile and tab, and every console error seen. */
export interface Person {
  name: string;
  url: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** A new browser profile for the same person, as after closing the browser. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function personAt(browser: Browser, name: string, address: string, gatewayPort: number, locale = "en-US"): Promise<Person> {
  const forwarder = await forwardFrom(address, gatewayPort);
  const problems: string[] = [];
  const open = async () => {
    const context = await browser.newContext({ locale, viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // A stopped instance closes the page's live socket on purpose; the page reconnects by itself.
      if (/WebSocket/.test(message.text())) return;
      // Pages like "access denied" (403) and "not set up yet" (503) are answered with their status.
      const source = message.location().url;
      if (source === page.url()) return;
      problems.push(`${name}: ${message.text()} (${source || "no source"})`);
    });
    page.on("pageerror", (error) => problems.push(`${name}: ${error.message}`));
    return { context, page };
  };
  const person: Person = {
    name,
    url: forwarder.url,
    problems,
    ...(await open()),
    async reopen() {
      await person.context.close();
      Object.assign(person, await open());
    },
    async close() {
      await person.context.close();
      await forwarder.close();
    },
  };
  return person;
}

/** Runs one step of a journey; when it fails, the person's screen is saved next to the tests. */
export async function step<T>(person: Person, label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    mkdirSync(join(SCREENSHOTS, "failures"), { recursive: true });
    const file = join(SCREENSHOTS, "failures", `${person.name}-${label.replace(/\W+/g, "-")}.png`);
    await person.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw new Error(`${person.name} / ${label}: ${(error as Error).message}\n(screenshot: ${file})`);
  }
}
