// The resource attacks of issue 16, as a signed-in user would mount them against their own app
// through the gateway: pipelining requests and never reading the answers, a huge body sent on
// after the app already answered, and a flood of WebSockets. Shared by the hostile-client tests
// (tests/security/limits.test.ts) and the bench (tests/bench/sections/attacks.ts).
import { createConnection, type Socket } from "node:net";

export interface Target {
  port: number;
  /** The attacker's loopback address (their IP rule). */
  address: string;
  /** Their session cookie header. */
  cookie: string;
  /** This gateway's origin, as the app's own pages send it. */
  origin: string;
}

export interface Attack {
  /** Called every few milliseconds while the attack runs, until it is stopped. */
  step(): void;
  stop(): void;
}

const WEBSOCKET_HEAD = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

function open(target: Target, onData?: (chunk: Buffer) => void): Socket {
  const socket = createConnection({ host: "127.0.0.1", port: target.port, localAddress: target.address });
  socket.on("error", () => undefined);
  if (onData) socket.on("data", onData);
  else socket.pause();
  return socket;
}

/** Connections that pipeline thousands of requests to the app and never read an answer. */
export function pipeliningNonReader(target: Target, connections = 4): Attack {
  const head = `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nCookie: ${target.cookie}\r\nAccept: application/json\r\n\r\n`;
  const batch = Buffer.from(head.repeat(1000));
  const sockets = Array.from({ length: connections }, () => open(target));
  return {
    step() {
      for (const socket of sockets) if (!socket.destroyed && socket.writableLength < 4 * 1024 * 1024) socket.write(batch);
    },
    stop() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * A post to a path the app answers at once (404) without reading the body, announced as
 * `bodyBytes` long and sent on as fast as the gateway takes it, again on a new connection
 * whenever one is closed.
 */
export function earlyAnswerHugeBody(target: Target, bodyBytes: number): Attack & { answers: () => string[] } {
  const head =
    `POST /app/no-such-page HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nCookie: ${target.cookie}\r\nOrigin: ${target.origin}\r\n` +
    `Accept: application/json\r\nContent-Length: ${bodyBytes}\r\n\r\n`;
  const chunk = Buffer.alloc(1024 * 1024, 120);
  const answers: string[] = [];
  let socket: Socket | undefined;
  let stopped = false;
  const connect = () => {
    let answer = "";
    socket = open(target, (data) => {
      answer += data.toString("latin1");
    });
    socket.on("close", () => answers.push(answer.split("\r\n")[0] ?? ""));
    socket.write(head);
  };
  return {
    answers: () => answers,
    step() {
      if (stopped) return;
      if (!socket || socket.destroyed) connect();
      else if (socket.writableLength < 8 * 1024 * 1024) socket.write(chunk);
    },
    stop() {
      stopped = true;
      socket?.destroy();
    },
  };
}

/** WebSocket upgrades on as many connections as it can open, up to `count`; `statuses()` counts the answers. */
export function webSocketFlood(target: Target, count: number): Attack & { statuses: () => Map<string, number> } {
  const request = `GET /app/ws HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nCookie: ${target.cookie}\r\nOrigin: ${target.origin}\r\n${WEBSOCKET_HEAD}\r\n`;
  const sockets: Socket[] = [];
  const statuses = new Map<string, number>();
  return {
    statuses: () => statuses,
    step() {
      for (let i = 0; i < 100 && sockets.length < count; i++) {
        let seen = false;
        const socket = open(target, (data) => {
          if (seen) return;
          seen = true;
          const status = /^HTTP\/1\.1 (\d{3})/.exec(data.toString("latin1"))?.[1] ?? "other";
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        });
        socket.write(request);
        sockets.push(socket);
      }
    },
    stop() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Runs `attack` for `seconds`, calling `sample` about every 100 ms meanwhile. */
export async function runFor(attack: Attack, seconds: number, sample: () => Promise<void> | void): Promise<void> {
  const until = Date.now() + seconds * 1000;
  let sampledAt = 0;
  try {
    while (Date.now() < until) {
      attack.step();
      if (Date.now() - sampledAt >= 100) {
        sampledAt = Date.now();
        await sample();
      }
      await Bun.sleep(5);
    }
  } finally {
    attack.stop();
  }
}
