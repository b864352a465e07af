// The front door (src/gateway/front/front-door.ts) takes the gateway's TCP connections itself and
// relays a person's app traffic as bytes. These tests hold one connection open across requests,
// as browsers do, and check that every request on it is still judged: a gateway page after app
// traffic, a session revoked in the console, a body in the middle of a pipeline, a cross-site post.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConnection, type Socket } from "node:net";
import { hashToken } from "../../src/auth/session-store";
import { query, waitFor } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import { ADDR, BOSS_PASSWORD, CAROL_PASSWORD, type RawResponse, type Site, arrive, dechunk, findHeadEnd, openSite, parseHead, signIn } from "./fixture";

let site: Site;
let alice: Visitor;

/** One kept-alive connection from an address; answers are read one at a time, in order. */
class KeptAlive {
  private received = Buffer.alloc(0);
  private waiting?: () => void;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on("error", () => undefined);
  }

  static open(address: string): Promise<KeptAlive> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: site.port, localAddress: address }, () => resolve(new KeptAlive(socket)));
      socket.once("error", reject);
    });
  }

  send(text: string): void {
    this.socket.write(Buffer.from(text, "utf8"));
  }

  /** The next whole answer (status 0 if the connection closed first); fails after 10 s. */
  async next(method = "GET"): Promise<RawResponse> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const taken = this.take(method);
      if (taken) return taken;
      if (this.closed) return { status: 0, statusText: "", headers: {}, setCookies: [], body: "", raw: this.received.toString("latin1") };
      if (Date.now() > deadline) throw new Error(`no whole answer; got ${JSON.stringify(this.received.toString("latin1").slice(0, 300))}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  private take(method: string): RawResponse | undefined {
    const end = findHeadEnd(this.received);
    if (end < 0) return undefined;
    const head = parseHead(this.received.subarray(0, end).toString("latin1"));
    const rest = this.received.subarray(end + 4);
    let body: Buffer | undefined;
    let used = 0;
    if (method === "HEAD" || head.status === 204 || head.status === 304) body = Buffer.alloc(0);
    else if (head.headers["content-length"] !== undefined) {
      used = Number(head.headers["content-length"]);
      if (rest.length >= used) body = rest.subarray(0, used);
    } else if (head.headers["transfer-encoding"] === "chunked") {
      body = dechunk(rest);
      used = body ? rest.indexOf("0\r\n\r\n", body.length) + 5 : 0;
    }
    if (!body) return undefined;
    const raw = this.received.subarray(0, end + 4 + used).toString("latin1");
    this.received = this.received.subarray(end + 4 + used);
    return { ...head, body: body.toString("utf8"), raw };
  }

  close(): void {
    this.socket.destroy();
  }
}

function get(path: string, cookie: string, extra = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${cookie}\r\nAccept: application/json\r\n${extra}\r\n`;
}

beforeAll(async () => {
  site = await openSite({ args: ["--diagnostics"] });
  alice = await arrive(site.visitor(ADDR.alice));
  await waitFor("alice's instance", async () => (await alice.get("/app/_health")).status === 200, 30_000);
});
afterAll(async () => {
  await site.close();
});

describe("one kept-alive connection", () => {
  test("app traffic, a gateway page, then app traffic again: each answered, in order, by the right side", async () => {
    const connection = await KeptAlive.open(ADDR.alice);
    try {
      connection.send(get("/app/_health", alice.cookieHeader()));
      const first = await connection.next();
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body).user).toBe("alice");
      connection.send(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\n\r\n`);
      const gateway = await connection.next();
      expect(gateway.status).toBe(200);
      expect(gateway.body).not.toContain('"user"');
      connection.send(get("/app/_health", alice.cookieHeader()));
      const again = await connection.next();
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body).user).toBe("alice");
    } finally {
      connection.close();
    }
  });

  test("a session revoked in the console stops the very next identical request on the same connection", async () => {
    // carol needs a password: without her session she is not let in again by her address alone.
    const carol = await signIn(site.visitor(ADDR.carol), "carol", CAROL_PASSWORD);
    await waitFor("carol's instance", async () => (await carol.get("/app/_health")).status === 200, 30_000);
    const cookie = carol.cookieHeader();
    const connection = await KeptAlive.open(ADDR.carol);
    try {
      for (let i = 0; i < 3; i++) {
        connection.send(get("/app/_health", cookie));
        expect(JSON.parse((await connection.next()).body).user).toBe("carol");
      }
      const token = /fgm_session=([^;]+)/.exec(cookie)![1]!;
      const [session] = await query(site.dir, "SELECT id FROM sessions WHERE token_hash = ?", [hashToken(token)]);
      const boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
      expect((await boss.post(`/admin/sessions/${session!.id}/revoke`, {})).status).toBe(303);
      connection.send(get("/app/_health", cookie));
      const after = await connection.next();
      expect(after.body).not.toContain('"user":"carol"');
      expect(after.status).toBe(401);
    } finally {
      connection.close();
    }
  });

  test("a GET, a POST with a body and a GET sent at once are answered in order, the body intact", async () => {
    const connection = await KeptAlive.open(ADDR.alice);
    const body = "x".repeat(100_000);
    const sha = new Bun.CryptoHasher("sha256").update(body).digest("hex");
    try {
      connection.send(
        get("/app/_health", alice.cookieHeader()) +
          `POST /app/_diag/upload HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${alice.cookieHeader()}\r\nOrigin: ${site.url}\r\n` +
          `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
          get("/app/_diag/download?bytes=70000", alice.cookieHeader()),
      );
      const health = await connection.next();
      expect(JSON.parse(health.body).user).toBe("alice");
      const upload = await connection.next("POST");
      expect(upload.status).toBe(200);
      expect(JSON.parse(upload.body)).toEqual({ bytes: body.length, sha256: sha });
      const download = await connection.next();
      expect(download.status).toBe(200);
      expect(Buffer.from(download.body, "utf8").length).toBeGreaterThan(0);
      expect(download.headers["x-content-type-options"]).toBe("nosniff");
    } finally {
      connection.close();
    }
  });

  test("a post to the app from another site's page is refused, and the app never sees it", async () => {
    const connection = await KeptAlive.open(ADDR.alice);
    try {
      connection.send(get("/app/_health", alice.cookieHeader()));
      expect((await connection.next()).status).toBe(200);
      connection.send(
        `POST /app/_diag/upload HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${alice.cookieHeader()}\r\nOrigin: http://evil.example\r\n` +
          "Content-Length: 5\r\n\r\nhello",
      );
      const refused = await connection.next("POST");
      expect(refused.status).toBe(403);
      expect(refused.body).not.toContain("sha256");
    } finally {
      connection.close();
    }
  });
});

describe("how a client ends", () => {
  test("a request followed at once by the client's FIN (half-close) still gets its whole answer", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: site.port, localAddress: ADDR.alice }, () => {
        socket.end(get("/app/_health", alice.cookieHeader()));
      });
      let received = "";
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    expect(answer).toStartWith("HTTP/1.1 200");
    expect(answer).toContain('"user":"alice"');
  });
});
