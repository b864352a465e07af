// Every rule of the one path to a feature app, as rows of one table run against the real gateway
// (raw HTTP/1.1 from a chosen loopback address). With --diagnostics the gateway labels what its
// relay carried (X-FGM-Path), so each row also says whether the app was reached at all. These
// are the properties the deleted front door and fast lane were tested for, now on the one path.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConnection } from "node:net";
import { hashToken } from "../../src/auth/session-store";
import { query } from "../helpers/database";
import { openWebSocketFrom, type Visitor } from "../helpers/http-from";
import {
  ADDR,
  BOSS_PASSWORD,
  CAROL_PASSWORD,
  type RawResponse,
  type Site,
  WEBSOCKET_HANDSHAKE,
  appRunning,
  arrive,
  expectUnchanged,
  openSite,
  raw,
  signIn,
  snapshot,
} from "./fixture";

let site: Site;
let alice: Visitor;

beforeAll(async () => {
  site = await openSite({ args: ["--diagnostics"] });
  alice = await arrive(site.visitor(ADDR.alice));
  await appRunning(alice, "alice");
});
afterAll(async () => {
  await site.close();
});

const BODY = "x".repeat(100_000);

interface Row {
  rule: string;
  from?: string;
  method?: string;
  target: string;
  /** Header lines; {cookie} is alice's session cookie, {origin} this site's origin. */
  headers?: string[];
  body?: string;
  status: number;
  /** Whether the answer came from alice's app through the relay. */
  relayed: boolean;
  check?: (response: RawResponse) => void;
}

const aliceJson = ["Cookie: {cookie}", "Accept: application/json"];

const ROWS: Row[] = [
  {
    rule: "alice's GET reaches her own app, with the gateway's security headers",
    target: "/app/_health",
    headers: aliceJson,
    status: 200,
    relayed: true,
    check: (r) => {
      expect(JSON.parse(r.body).user).toBe("alice");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["x-frame-options"]).toBe("DENY");
      expect(r.headers["referrer-policy"]).toBe("same-origin");
    },
  },
  {
    rule: "a page of the app carries the content security policy",
    target: "/app/",
    headers: ["Cookie: {cookie}", "Accept: text/html"],
    status: 200,
    relayed: true,
    check: (r) => expect(r.headers["content-security-policy"]).toContain("script-src 'self'"),
  },
  { rule: "HEAD is relayed without a body", method: "HEAD", target: "/app/_health", headers: aliceJson, status: 200, relayed: true, check: (r) => expect(r.body).toBe("") },
  {
    rule: "?lang= reaches the app, which sets its language cookie",
    target: "/app/?lang=ko",
    headers: ["Cookie: {cookie}", "Accept: text/html"],
    status: 200,
    relayed: true,
    check: (r) => expect(r.setCookies.join("\n")).toContain("lang=ko"),
  },
  {
    rule: "spoofed identity headers do not change the user the app serves",
    target: "/app/_health",
    headers: [...aliceJson, "X-FGM-User: bob", "X-FGM-Role: admin", "X-Forwarded-For: 127.0.0.4", "Forwarded: for=127.0.0.4"],
    status: 200,
    relayed: true,
    check: (r) => expect(JSON.parse(r.body).user).toBe("alice"),
  },
  {
    rule: "a post from the app's own page is relayed with its body intact",
    method: "POST",
    target: "/app/_diag/upload",
    headers: ["Cookie: {cookie}", "Origin: {origin}", "Content-Type: application/octet-stream"],
    body: BODY,
    status: 200,
    relayed: true,
    check: (r) => expect(JSON.parse(r.body)).toEqual({ bytes: BODY.length, sha256: new Bun.CryptoHasher("sha256").update(BODY).digest("hex") }),
  },
  { rule: "the app's gateway-only path is closed", target: "/app/_claim", headers: aliceJson, status: 404, relayed: false },
  { rule: "an encoded gateway-only path is closed too", target: "/app/%5Fclaim", headers: aliceJson, status: 404, relayed: false },
  { rule: "a malformed encoded path is refused", target: "/app/%E0%A4%A", headers: aliceJson, status: 400, relayed: false },
  { rule: "a Host the server does not answer to is refused (DNS rebinding)", target: "/app/_health", headers: ["Host: rebound.example", ...aliceJson], status: 421, relayed: false },
  { rule: "a malformed Host is refused", target: "/app/_health", headers: ["Host: 127.0.0.1:99999", ...aliceJson], status: 400, relayed: false },
  {
    rule: "alice's cookie from another machine does not reach alice's app",
    from: ADDR.stranger,
    target: "/app/_health",
    headers: aliceJson,
    status: 403,
    relayed: false,
    check: (r) => expect(r.body).not.toContain('"user":"alice"'),
  },
  {
    rule: "a change without Origin is refused as JSON (cross-site request protection)",
    method: "POST",
    target: "/app/api/feature-sets",
    headers: ["Cookie: {cookie}", "Content-Type: application/json"],
    body: '{"name":"x"}',
    status: 403,
    relayed: false,
    check: (r) => expect(JSON.parse(r.body).error).toContain("another site"),
  },
  {
    rule: "a post from another site's page is refused",
    method: "POST",
    target: "/app/_diag/upload",
    headers: ["Cookie: {cookie}", "Origin: http://evil.example"],
    body: "hello",
    status: 403,
    relayed: false,
  },
  {
    rule: "a WebSocket opened by another site's page is refused",
    target: "/app/ws",
    headers: ["Cookie: {cookie}", "Origin: http://evil.example", ...WEBSOCKET_HANDSHAKE],
    status: 403,
    relayed: false,
  },
  {
    rule: "alice's WebSocket from her own page is upgraded by the relay",
    target: "/app/ws",
    headers: ["Cookie: {cookie}", "Origin: {origin}", ...WEBSOCKET_HANDSHAKE],
    status: 101,
    relayed: true,
    check: (r) => expect(r.headers["x-fgm-path"]).toBe("relay-websocket"),
  },
  {
    rule: "an unregistered address is told so in JSON",
    from: ADDR.stranger,
    target: "/app/api/features",
    status: 403,
    relayed: false,
    check: (r) => expect(JSON.parse(r.body).error).toBe("this address is not registered"),
  },
  {
    rule: "an account that needs a password is told to sign in, in JSON",
    from: ADDR.carol,
    target: "/app/api/features",
    status: 401,
    relayed: false,
    check: (r) => expect(JSON.parse(r.body).error).toContain("sign in first"),
  },
];

function fill(line: string): string {
  return line.replace("{cookie}", alice.cookieHeader()).replace("{origin}", site.url);
}

describe("the one path to a feature app", () => {
  test.each(ROWS.map((row) => [row.rule, row] as const))("%s", async (_rule, row) => {
    const before = await snapshot(site.dir, ["users", "user_ip_rules", "access_requests", "settings"]);
    const response = await raw(site, row.from ?? ADDR.alice, row.method ?? "GET", row.target, (row.headers ?? []).map(fill), row.body ?? "");
    expect(response.status, `${row.rule}: ${response.raw.slice(0, 300)}`).toBe(row.status);
    expect(response.headers["x-fgm-path"] !== undefined, `${row.rule}: relayed`).toBe(row.relayed);
    row.check?.(response);
    await expectUnchanged(site.dir, before, row.rule);
  });
});

describe("a session that ends stops its traffic at once", () => {
  /** carol (password required) signed in, her app running, and her session's id. */
  async function carolSignedIn() {
    const carol = await signIn(site.visitor(ADDR.carol), "carol", CAROL_PASSWORD);
    await appRunning(carol, "carol");
    const token = /fgm_session=([^;]+)/.exec(carol.cookieHeader())![1]!;
    const [session] = await query(site.dir, "SELECT id FROM sessions WHERE token_hash = ?", [hashToken(token)]);
    return { carol, sessionId: session!.id as number };
  }

  async function revoke(sessionId: number) {
    const boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
    expect((await boss.post(`/admin/sessions/${sessionId}/revoke`, {})).status).toBe(303);
  }

  test("the very next request after a revoke in the console is refused", async () => {
    const { carol, sessionId } = await carolSignedIn();
    const cookie = carol.cookieHeader();
    for (let i = 0; i < 3; i++) {
      const ok = await raw(site, ADDR.carol, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"]);
      expect(JSON.parse(ok.body).user).toBe("carol");
    }
    await revoke(sessionId);
    const after = await raw(site, ADDR.carol, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"]);
    expect(after.status).toBe(401);
    expect(after.headers["x-fgm-path"]).toBeUndefined();
  });

  test("an open WebSocket is closed by the revoke; another session's socket stays open", async () => {
    const { carol, sessionId } = await carolSignedIn();
    const socket = await openWebSocketFrom(ADDR.carol, `${site.url}/app/ws`, carol.cookieHeader());
    const other = await openWebSocketFrom(ADDR.alice, `${site.url}/app/ws`, alice.cookieHeader());
    const closed = (s: typeof socket) => {
      s.on("error", () => undefined);
      s.resume();
      return new Promise<string>((resolve) => s.on("close", () => resolve("closed")));
    };
    const [carolClosed, aliceClosed] = [closed(socket), closed(other)];
    try {
      await revoke(sessionId);
      expect(await Promise.race([carolClosed, Bun.sleep(5000).then(() => "still open")])).toBe("closed");
      expect(await Promise.race([aliceClosed, Bun.sleep(500).then(() => "still open")])).toBe("still open");
    } finally {
      socket.destroy();
      other.destroy();
    }
  });
});

describe("how a client ends", () => {
  // Bun.serve (1.4.4) closes a connection whose client half-closes before an async answer is ready,
  // so the answer is lost (a bare Bun.serve with `await Bun.sleep(1)` does the same). Browsers and
  // curl do not half-close; the test turns green, and must then become a plain test, when Bun answers.
  // The app takes 50 ms to answer: a fast answer can win the race against the FIN and hide the bug.
  test.failing("a request followed at once by the client's FIN (half-close) still gets its whole answer", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: site.port, localAddress: ADDR.alice }, () => {
        socket.end(`GET /app/_diag/sleep?ms=50 HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${alice.cookieHeader()}\r\nAccept: application/json\r\n\r\n`);
      });
      let received = "";
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    expect(answer).toStartWith("HTTP/1.1 200");
    expect(answer).toContain('{"slept":50}');
  });
});
