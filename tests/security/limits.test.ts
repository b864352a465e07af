// Every resource a client can make the gateway hold, played by a hostile client against a real
// gateway with small limits: connections per address, WebSockets per user and in total, the body
// limit, the idle timeout, WebSocket message size and backpressure, and the three attacks of
// issue 16 (a pipelining client that never reads, an early answer followed by a huge body, ten
// thousand WebSockets). Memory is the gateway process's resident set, read from /proc.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createConnection, type Socket } from "node:net";
import { socketCeiling } from "../../src/gateway/relay-limits";
import type { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";
import { type Attack, earlyAnswerHugeBody, pipeliningNonReader, runFor } from "../helpers/attacks";
import { ADDR, type Site, WEBSOCKET_HANDSHAKE, appRunning, arrive, httpText, openSite, raw } from "./fixture";

/** Large enough for the early-answer attack's body to be accepted, so that what happens to its rest shows. */
const BODY_LIMIT_MB = 512;
const LIMITS = {
  perAddress: 6,
  socketsPerUser: 3,
  sockets: 5,
};

let site: Site;
let alice: Visitor;
let bob: Visitor;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** A raw connection from an address that sends `text` and reads nothing unless asked to. */
function connect(address: string, text: string | Buffer = ""): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port: site.port, localAddress: address }, () => {
      if (text.length > 0) socket.write(text);
      resolve({ socket, received: () => received, closed });
    });
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    socket.on("error", (error) => (socket.connecting ? reject(error) : undefined));
  });
}

function upgradeText(cookie: string): string {
  return httpText("GET", "/app/ws", site.port, [`Cookie: ${cookie}`, `Origin: ${site.url}`, ...WEBSOCKET_HANDSHAKE, "Connection: Upgrade"]);
}

/** Opens a WebSocket handshake from an address; resolves with the status line's code and the socket. */
async function handshake(address: string, cookie: string) {
  const opened = await connect(address, upgradeText(cookie));
  const deadline = Date.now() + 10_000;
  while (!opened.received().includes("\r\n\r\n") && Date.now() < deadline) await Bun.sleep(20);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(opened.received())?.[1] ?? 0), ...opened };
}

beforeAll(async () => {
  site = await openSite({
    args: [
      "--diagnostics",
      "--max-connections-per-address",
      String(LIMITS.perAddress),
      "--max-websockets-per-user",
      String(LIMITS.socketsPerUser),
      "--max-websockets",
      String(LIMITS.sockets),
      "--max-request-body-mb",
      String(BODY_LIMIT_MB),
      "--client-idle-seconds",
      "2",
      "--websocket-message-mb",
      "1",
      "--websocket-buffer-mb",
      "1",
    ],
  });
  alice = await arrive(site.visitor(ADDR.alice));
  bob = await arrive(site.visitor(ADDR.bob));
  await appRunning(alice, "alice");
  await appRunning(bob, "bob");
});
afterAll(async () => {
  await site.close();
});

describe("connections per address", () => {
  test("past the limit of requests in progress from one address the next gets 429; another address is served", async () => {
    const slow = await Promise.all(
      Array.from({ length: LIMITS.perAddress }, () =>
        connect(ADDR.alice, httpText("GET", "/app/_diag/sleep?ms=3000", site.port, [`Cookie: ${alice.cookieHeader()}`, "Accept: application/json"])),
      ),
    );
    try {
      await Bun.sleep(300);
      const refused = await raw(site, ADDR.alice, "GET", "/app/_health", [`Cookie: ${alice.cookieHeader()}`, "Accept: application/json"]);
      expect(refused.status).toBe(429);
      expect((await bob.get("/app/_health")).status).toBe(200);
      // The places come back when the answers are done.
      await Promise.all(slow.map((c) => c.closed));
      expect((await alice.get("/app/_health")).status).toBe(200);
    } finally {
      for (const c of slow) c.socket.destroy();
    }
  });
});

describe("WebSockets", () => {
  test("a flood of WebSocket upgrades (the 10,000-socket attack): a user gets their few, the total is capped, the gateway keeps answering", async () => {
    const held: Socket[] = [];
    try {
      for (let i = 0; i < LIMITS.socketsPerUser; i++) {
        const opened = await handshake(ADDR.alice, alice.cookieHeader());
        expect(opened.status).toBe(101);
        held.push(opened.socket);
      }
      // Beyond the user's limit: refused at once, however many come.
      const attempts = await Promise.all(Array.from({ length: 200 }, () => raw(site, ADDR.alice, "GET", "/app/ws", [`Cookie: ${alice.cookieHeader()}`, `Origin: ${site.url}`, ...WEBSOCKET_HANDSHAKE])));
      expect(new Set(attempts.map((r) => r.status))).toEqual(new Set([429]));
      // bob reaches the total.
      for (let i = 0; i < LIMITS.sockets - LIMITS.socketsPerUser; i++) {
        const opened = await handshake(ADDR.bob, bob.cookieHeader());
        expect(opened.status).toBe(101);
        held.push(opened.socket);
      }
      const overTotal = await handshake(ADDR.bob, bob.cookieHeader());
      held.push(overTotal.socket);
      expect(overTotal.status).toBe(503);
      expect((await fetch(`${site.url}/healthz`)).status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
    }
    // Closed sockets give their places back.
    await Bun.sleep(300);
    const again = await handshake(ADDR.alice, alice.cookieHeader());
    again.socket.destroy();
    expect(again.status).toBe(101);
  });

  test("the total stays below the process's open-file limit (two descriptors per relayed socket)", () => {
    using dir = tempDir();
    const file = join(dir.path, "limits");
    writeFileSync(file, "Limit                     Soft Limit           Hard Limit           Units\nMax open files            3072                 4096                 files\n");
    expect(socketCeiling(100_000, file)).toBe(1024);
    expect(socketCeiling(100, file)).toBe(100);
    expect(socketCeiling(100, join(dir.path, "absent"))).toBe(100);
  });

  /** A WebSocket frame from the client: masked, FIN set, one frame. */
  function frame(opcode: number, payload: Buffer): Buffer {
    const mask = Buffer.from([1, 2, 3, 4]);
    const length = payload.length;
    const head = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : Buffer.alloc(10);
    if (length >= 126) {
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
    return Buffer.concat([head, mask, masked]);
  }

  test("a message larger than the limit closes the socket with 1009", async () => {
    const opened = await handshake(ADDR.alice, alice.cookieHeader());
    try {
      expect(opened.status).toBe(101);
      opened.socket.write(frame(2, Buffer.alloc(2 * 1024 * 1024, 7)));
      await Promise.race([opened.closed, Bun.sleep(5000)]);
      // The server's close frame: 0x88, then the code 1009 (0x03f1) after a short length byte.
      expect(opened.received()).toContain("\x88");
      expect(opened.received()).toContain("\x03\xf1");
    } finally {
      opened.socket.destroy();
    }
  });

  test("a browser that sends and never reads the echoes is closed at the buffer limit, not buffered without end", async () => {
    const opened = await handshake(ADDR.alice, alice.cookieHeader());
    const pid = site.gateway.child.pid;
    const before = rssMb(pid);
    try {
      expect(opened.status).toBe(101);
      opened.socket.pause();
      const chunk = frame(2, Buffer.alloc(512 * 1024, 9));
      let sent = 0;
      let closed = false;
      void opened.closed.then(() => (closed = true));
      // Up to 64 MB of echoes, far past the 1 MB buffer.
      while (!closed && sent < 128) {
        opened.socket.write(chunk);
        sent++;
        await Bun.sleep(10);
      }
      expect(await Promise.race([opened.closed.then(() => "closed"), Bun.sleep(15_000).then(() => "open")])).toBe("closed");
      expect(rssMb(pid) - before).toBeLessThan(64);
    } finally {
      opened.socket.destroy();
    }
  }, 40_000);
});

describe("bodies and slow clients", () => {
  test("a body announced over the limit is refused with 413 and never reaches the app", async () => {
    const response = await raw(
      site,
      ADDR.alice,
      "POST",
      "/app/_diag/upload",
      [`Cookie: ${alice.cookieHeader()}`, `Origin: ${site.url}`, "Content-Type: application/octet-stream", `Content-Length: ${BODY_LIMIT_MB * 1024 * 1024 + 1}`],
      "x".repeat(1000),
    );
    expect(response.status).toBe(413);
    expect(response.body).not.toContain("sha256");
  });

  test("a client that sends half a request and stops is disconnected after the idle timeout", async () => {
    const opened = await connect(ADDR.alice, `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\n`);
    try {
      expect(await Promise.race([opened.closed.then(() => "closed"), Bun.sleep(15_000).then(() => "open")])).toBe("closed");
    } finally {
      opened.socket.destroy();
    }
  }, 30_000);

  test("a client that stops reading a 200 MB download holds no growing memory, and the download is abandoned after the idle timeout", async () => {
    const pid = site.gateway.child.pid;
    const before = rssMb(pid);
    const opened = await connect(ADDR.alice, httpText("GET", "/app/_diag/download?bytes=200000000", site.port, [`Cookie: ${alice.cookieHeader()}`]));
    try {
      while (!opened.received().startsWith("HTTP/1.1 200")) await Bun.sleep(10);
      opened.socket.pause();
      await Bun.sleep(8000);
      expect(rssMb(pid) - before).toBeLessThan(64);
      // Reading again: what was sent before the gateway gave up arrives, and then nothing more.
      opened.socket.resume();
      let size = -1;
      while (size !== opened.received().length) {
        size = opened.received().length;
        await Bun.sleep(1000);
      }
      expect(size).toBeLessThan(100_000_000);
      expect((await alice.get("/app/_health")).status).toBe(200);
    } finally {
      opened.socket.destroy();
    }
  }, 40_000);
});

describe("the attacks of issue 16, each for 15 s", () => {
  const SECONDS = 15;

  /** Runs an attack from alice while bob keeps working; the gateway's peak memory growth. */
  async function during(attack: Attack): Promise<number> {
    const pid = site.gateway.child.pid;
    const before = rssMb(pid);
    let peak = before;
    let served = 0;
    await runFor(attack, SECONDS, async () => {
      peak = Math.max(peak, rssMb(pid));
      // A bystander's request that fails outright counts as not served, like one answered with an error.
      const status = await bob.get("/app/_health").then((answer) => answer.status, () => 0);
      if (status === 200) served++;
    });
    expect(served).toBeGreaterThan(10);
    return peak - before;
  }

  const target = () => ({ port: site.port, address: ADDR.alice, cookie: alice.cookieHeader(), origin: site.url });

  test("a signed-in user pipelining requests to their app and never reading the answers holds no growing memory", async () => {
    expect(await during(pipeliningNonReader(target()))).toBeLessThan(100);
  }, 60_000);

  test("an app that answers early, then a gigantic body: the connection is closed instead of the rest being accumulated", async () => {
    const attack = earlyAnswerHugeBody(target(), (BODY_LIMIT_MB - 1) * 1024 * 1024);
    expect(await during(attack)).toBeLessThan(100);
    // Every attempt got the app's early answer, and was then closed (many attempts, not one long upload).
    expect(attack.answers().length).toBeGreaterThan(3);
    expect(new Set(attack.answers())).toEqual(new Set(["HTTP/1.1 404 Not Found"]));
  }, 60_000);
});
