// Header injection into the relay: nothing a client sends can change who the feature app thinks
// it serves (its /app/_health names the user the gateway chose), which instance answers, or get
// past an instance's token. Hand-written HTTP/1.1 over raw sockets, because Node's client refuses
// to send most of these.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instanceOf, query } from "../helpers/database";
import {
  ADDR,
  type Site,
  WEBSOCKET_HANDSHAKE,
  arrive,
  expectRefused,
  expectUnchanged,
  openSite,
  raw,
  rawRequest,
  snapshot,
} from "./fixture";

const DAVE = "127.0.0.6";

let site: Site;
let aliceCookie: string;
let daveCookie: string;
let alicePort: number;
let bobPort: number;

beforeAll(async () => {
  site = await openSite({ cast: { extraUsers: [{ args: ["user", "add", "dave", "--role", "user", "--ip", DAVE] }] } });
  const alice = await arrive(site.visitor(ADDR.alice));
  const bob = await arrive(site.visitor(ADDR.bob));
  // dave has a session but has never opened the app: no instance.
  daveCookie = (await arrive(site.visitor(DAVE))).cookieHeader();
  expect(JSON.parse((await alice.get("/app/_health")).body).user).toBe("alice");
  expect(JSON.parse((await bob.get("/app/_health")).body).user).toBe("bob");
  aliceCookie = alice.cookieHeader();
  alicePort = (await instanceOf(site.dir, "alice")).port;
  bobPort = (await instanceOf(site.dir, "bob")).port;
});
afterAll(async () => {
  await site.close();
});

/** Alice's request to her app's health endpoint with extra header lines. */
function aliceHealth(lines: string[], target = "/app/_health") {
  return raw(site, ADDR.alice, "GET", target, [`Cookie: ${aliceCookie}`, "Accept: application/json", ...lines]);
}

function expectAlice(response: { status: number; body: string }, label: string) {
  expect(response.status, `${label}: ${response.status} ${response.body.slice(0, 200)}`).toBe(200);
  expect(JSON.parse(response.body).user, label).toBe("alice");
}

describe("CRLF and other malformed header lines", () => {
  test.each([
    ["CRLF in a value", "X-Note: a\r\nX-FGM-User: bob"],
    ["bare LF in a value", "X-Note: a\nX-FGM-User: bob"],
    ["bare CR in a value", "X-Note: a\rX-FGM-User: bob"],
    ["an obsolete folded line", "X-Note: a\r\n X-FGM-User: bob"],
    ["space before the colon", "X-FGM-User : bob"],
    ["NUL in a value", "X-Note: a\u0000b"],
    ["a header without a colon", "X-FGM-User bob"],
  ])("%s: refused by the parser or ignored, never reaching bob", async (label, line) => {
    const before = await snapshot(site.dir);
    const response = await aliceHealth([line]);
    expect(response.raw.includes('"user":"bob"'), label).toBe(false);
    if (response.status === 200) expectAlice(response, label);
    else expectRefused(response, label, [400]);
    await expectUnchanged(site.dir, before, label);
  });

  test("a Content-Length and Transfer-Encoding together (request smuggling) are refused", async () => {
    const before = await snapshot(site.dir);
    const smuggled = "0\r\n\r\nGET /app/_health HTTP/1.1\r\nHost: x\r\nX-FGM-User: bob\r\n\r\n";
    const response = await rawRequest(
      site.port,
      ADDR.alice,
      `POST /app/_diag/upload HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nOrigin: ${site.url}\r\nCookie: ${aliceCookie}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${smuggled}`,
    );
    expect(response.raw.includes('"user":"bob"')).toBe(false);
    expectRefused(response, "CL+TE", [400]);
    await expectUnchanged(site.dir, before, "smuggling");
  });

  test("a blank line in a header value starts a second (pipelined) request, which is alice's too", async () => {
    const before = await snapshot(site.dir);
    const response = await rawRequest(
      site.port,
      ADDR.alice,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nX-Note: a\r\n\r\n` +
        `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${aliceCookie}\r\nX-FGM-User: bob\r\nX-FGM-Token: forged\r\nConnection: close\r\n\r\n`,
      { untilClose: true },
    );
    const answers = response.raw.match(/HTTP\/1\.1 \d{3}/g);
    expect(answers).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(response.raw).toContain('"user":"alice"');
    expect(response.raw).not.toContain('"user":"bob"');
    await expectUnchanged(site.dir, before, "the pipelined request");
  });

  // Bun.serve (uWS) does not answer a request pipelined behind one whose answer is async
  // (oven-sh/bun#38128, #33664, #35036, none fixed in Bun 1.4.4). Browsers do not pipeline, so
  // this costs nobody anything today; the test turns green (and must then become a plain test)
  // when Bun answers both.
  test.failing("two pipelined requests to the feature app are both answered, in order", async () => {
    const one = `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${aliceCookie}\r\n`;
    const response = await rawRequest(site.port, ADDR.alice, `${one}\r\n${one}Connection: close\r\n\r\n`, { untilClose: true });
    expect(response.raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
  });

  test("encoded CRLF in the path or query is data, not a header", async () => {
    const query_ = await aliceHealth([], "/app/_health?x=%0d%0aX-FGM-User:%20bob");
    expectAlice(query_, "CRLF in the query");
    const path = await aliceHealth([], "/app/_health%0d%0aX-FGM-User:%20bob");
    expect(path.raw.includes('"user":"bob"')).toBe(false);
    expectRefused(path, "CRLF in the path", [404]);
  });

  test("UTF-8 bytes in header values pass without a 500", async () => {
    const response = await rawRequest(
      site.port,
      ADDR.alice,
      Buffer.concat([
        Buffer.from(`GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${aliceCookie}\r\nX-Note: `),
        Buffer.from("세션 ü \u202E bob", "utf8"),
        Buffer.from("\r\nUser-Agent: \u00ff\u00fe\r\nConnection: close\r\n\r\n", "latin1"),
      ]),
    );
    expectAlice(response, "UTF-8 header");
  });

  test("two hundred junk headers: alice's answer or 431, never a 500", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `X-Junk-${i}: ${"j".repeat(50)}`);
    const response = await aliceHealth(lines);
    if (response.status === 200) expectAlice(response, "junk headers");
    else expectRefused(response, "junk headers", [431]);
  });
});

describe("spoofed identity headers", () => {
  test("X-FGM-*, X-Forwarded-*, Forwarded and friends do not change the user the app serves", async () => {
    const before = await snapshot(site.dir);
    const spoofs: string[][] = [
      ["X-FGM-User: bob"],
      ["X-FGM-User: bob", "X-FGM-Role: admin"],
      ["X-FGM-Token: forged"],
      ["X-FGM-Token: "],
      ["x-fgm-token: a", "X-FGM-TOKEN: b", "X-Fgm-User: bob"],
      ["X-Forwarded-For: 127.0.0.4"],
      ["X-Forwarded-For: 127.0.0.4", "X-Forwarded-Host: 127.0.0.1:" + "{bob}", "X-Forwarded-Proto: https"],
      ["Forwarded: for=127.0.0.4;host=127.0.0.1:{bob};proto=https"],
      ["X-Real-IP: 127.0.0.4", "X-Client-IP: 127.0.0.4", "True-Client-IP: 127.0.0.4", "CF-Connecting-IP: 127.0.0.4"],
      ["X-Original-URL: /app/_claim", "X-Rewrite-URL: /app/_claim"],
      ["X-HTTP-Method-Override: POST", "X-Method-Override: DELETE"],
      // Naming the gateway's own headers as hop-by-hop must not make it drop what it adds.
      ["Connection: close, X-FGM-Token, X-FGM-User, X-Forwarded-For", "X-FGM-User: bob"],
      ["Proxy-Authorization: Basic Ym9iOmJvYg==", "Authorization: Bearer bob"],
    ];
    for (const lines of spoofs) {
      const filled = lines.map((line) => line.replace("{bob}", String(bobPort)));
      expectAlice(await aliceHealth(filled), filled.join(" | "));
    }
    await expectUnchanged(site.dir, before, "spoofed headers");
  });

  test("a spoofed admin role does not give alice's page the console link", async () => {
    const page = await raw(site, ADDR.alice, "GET", "/app/", [`Cookie: ${aliceCookie}`, "Accept: text/html", "X-FGM-Role: admin", "X-FGM-User: boss"]);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Signed in as alice");
    expect(page.body).not.toContain('href="/admin"');
  });
});

describe("Host header tricks", () => {
  test("a Host or absolute request target naming bob's port still reaches alice's instance", async () => {
    const before = await snapshot(site.dir);
    const variants: [string, string[]][] = [
      ["/app/_health", [`Host: 127.0.0.1:${bobPort}`]],
      ["/app/_health", [`Host: localhost:${bobPort}`]],
      ["/app/_health", [`Host: [::1]:${bobPort}`]],
      [`http://127.0.0.1:${bobPort}/app/_health`, []],
      [`http://127.0.0.1:${bobPort}/app/_health`, [`Host: 127.0.0.1:${bobPort}`]],
      ["/app/_health", [`Host: 127.0.0.1:${site.port}`, `Host: 127.0.0.1:${bobPort}`]],
    ];
    for (const [target, lines] of variants) {
      const response = await aliceHealth(lines, target);
      const label = `${target} ${lines.join(" | ")}`;
      expect(response.raw.includes('"user":"bob"'), label).toBe(false);
      if (response.status === 200) expectAlice(response, label);
      else expectRefused(response, label);
    }
    await expectUnchanged(site.dir, before, "Host tricks");
  });

  test("a foreign Host name (DNS rebinding) is refused before it reaches anything", async () => {
    const before = await snapshot(site.dir);
    for (const host of [`attacker.example:${site.port}`, "attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example", `ATTACKER.example:${site.port}`]) {
      const response = await aliceHealth([`Host: ${host}`]);
      expect(response.raw.includes('"user":"alice"'), `alice's data went to a page on ${host}`).toBe(false);
      expectRefused(response, `Host: ${host}`, [421]);
      expect(response.headers["content-type"]).toStartWith("text/plain");
    }
    await expectUnchanged(site.dir, before, "foreign Host names");
  });

  test("the refusal echoes the name only as plain text", async () => {
    const response = await aliceHealth(["Host: <script>alert(1)</script>.example"]);
    if (response.status === 421) {
      expect(response.headers["content-type"]).toStartWith("text/plain");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    } else expectRefused(response, "markup in the Host", [400]);
  });

  // BUG: a Host that passes the host check (an IP address, localhost or *.localhost) but does not
  // make a valid URL — a port over 65535, junk after an IPv6 literal, a space, a slash or an @ in a
  // *.localhost name, a percent sign, an IPv6 zone — leaves Bun with a request.url that
  // `new URL(c.req.url)` cannot parse; the error handler (pageContext) throws again and Bun answers
  // 500 with its development error page, which shows the working directory, the stack and the
  // source lines around the failing code (the shipped executable does the same).
  test.each([
    ["an IPv4 address with port 99999", "127.0.0.1:99999"],
    ["localhost with port 99999", "localhost:99999"],
    ["an IPv6 literal with port 99999", "[::1]:99999"],
    ["junk after an IPv6 literal", "[::1]x"],
    ["a path after an IPv6 literal", "[::1]:80/x"],
    ["an IPv6 zone id", "[::1%eth0]"],
    ["a percent-encoded slash", "127.0.0.1%2f"],
    ["a space in a .localhost name", "a b.localhost"],
    ["a slash in a .localhost name", "x/.localhost"],
    ["userinfo in a .localhost name", "x@y.localhost"],
  ])("Host with %s → a 4xx, without the development error page", async (_label, host) => {
    const response = await rawRequest(site.port, ADDR.stranger, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(response.body.includes("source_lines"), "Bun's development error page, with source lines").toBe(false);
    expect(response.body.includes("pageContext"), "a stack trace").toBe(false);
    expectRefused(response, `Host: ${host}`);
  });

  test("no Host at all (HTTP/1.0), an empty or an unclosed one is refused without an error page", async () => {
    for (const request of [
      "GET / HTTP/1.0\r\n\r\n",
      "GET /healthz HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n",
    ]) {
      const response = await rawRequest(site.port, ADDR.stranger, request);
      expect(response.body.includes("source_lines"), JSON.stringify(request)).toBe(false);
      expectRefused(response, JSON.stringify(request), [400, 421]);
    }
  });
});

describe("instance ports", () => {
  test("every request to an instance port without the token is 401, the WebSocket upgrade too", async () => {
    for (const port of [alicePort, bobPort]) {
      const plain = await rawRequest(port, "127.0.0.1", `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expectRefused(plain, "no token", [401]);
      for (const lines of [["X-FGM-Token: guess"], ["X-FGM-Token: "], ["X-FGM-User: bob", "X-Forwarded-For: 127.0.0.4"], [`X-FGM-Token: ${"a".repeat(43)}`]]) {
        const forged = await rawRequest(port, "127.0.0.1", `GET /app/_health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`);
        expectRefused(forged, lines.join(" | "), [401]);
      }
      const inQuery = await rawRequest(port, "127.0.0.1", `GET /app/_health?x-fgm-token=guess HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expectRefused(inQuery, "token in the query", [401]);
      const upgrade = await rawRequest(port, "127.0.0.1", `GET /app/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${WEBSOCKET_HANDSHAKE.join("\r\n")}\r\n\r\n`);
      expectRefused(upgrade, "WebSocket without a token", [401]);
      const claim = await rawRequest(
        port,
        "127.0.0.1",
        `POST /app/_claim HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 29\r\nConnection: close\r\n\r\n{"user":"bob","role":"admin"}`,
      );
      expectRefused(claim, "claim without a token", [401]);
    }
  });

  test("instances listen on 127.0.0.1 only", async () => {
    await expect(rawRequest(bobPort, "127.0.0.2", "GET /app/_health HTTP/1.1\r\nHost: x\r\n\r\n", { host: "127.0.0.2" })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

describe("another user's cookie from the wrong address", () => {
  test("dave's cookie from a stranger's address: denied, and no instance is started for anyone", async () => {
    const before = await snapshot(site.dir);
    for (const target of ["/app/", "/app/_health", "/app/_diag/download?bytes=10"]) {
      const response = await raw(site, ADDR.stranger, "GET", target, [`Cookie: ${daveCookie}`, "Accept: text/html"]);
      expectRefused(response, target, [403]);
      expect(response.body).toContain("Access denied");
    }
    const upload = await raw(site, ADDR.stranger, "POST", "/app/_diag/upload", [`Cookie: ${daveCookie}`, `Origin: ${site.url}`, "Content-Type: application/octet-stream"], "x".repeat(100));
    expectRefused(upload, "upload", [403]);
    await expectUnchanged(site.dir, before, "dave's cookie from a stranger");
    expect(await query(site.dir, "SELECT key FROM instance_records r JOIN users u ON u.id = r.user_id WHERE u.name = 'dave'")).toEqual([]);
  });
});
