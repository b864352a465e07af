// Malformed cookies and session ids: whatever the fgm_session cookie holds, a cookie that is not an
// open session of this address is no session at all — the visitor is treated by their address
// alone, the server never answers 500, and no session is created, ended or touched by it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashToken } from "../../src/auth/session-store";
import { query } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import {
  ADDR,
  BOSS_PASSWORD,
  type Site,
  arrive,
  expectRefused,
  expectUnchanged,
  openSite,
  raw,
  rawRequest,
  rowsAddedSince,
  signIn,
  snapshot,
} from "./fixture";

let site: Site;
let boss: Visitor;
let bob: Visitor;

beforeAll(async () => {
  site = await openSite();
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  bob = await arrive(site.visitor(ADDR.bob));
});
afterAll(async () => {
  await site.close();
});

const GARBAGE: [string, string][] = [
  ["empty", ""],
  ["4 KB long", "A".repeat(4096)],
  ["one character short", "A".repeat(42)],
  ["one character long", "A".repeat(44)],
  ["wrong charset", "!".repeat(43)],
  ["base64 padding", `${"A".repeat(42)}=`],
  ["SQL", "' OR '1'='1"],
  ["SQL with a comment", "x' UNION SELECT token_hash FROM sessions --"],
  ["SQL with semicolons", "1; DROP TABLE sessions; --"],
  ["Korean", "세션토큰세션토큰"],
  ["symbols and emoji", "ü€✓🍪"],
  ["right-to-left override", "\u202Eabc\u202C"],
  ["percent garbage", "%E0%A4%A%ZZ%"],
  ["percent-encoded CRLF", "%0d%0aSet-Cookie:%20x=1"],
  ["percent-encoded NUL", "%00"],
  ["quoted", `"${"A".repeat(43)}"`],
  ["JSON", '{"id":1,"userId":1}'],
  ["path characters", "../../../../etc/passwd"],
];

/** Cookie header lines for a garbage fgm_session, in several shapes. */
function cookieLines(value: string): string[][] {
  return [
    [`Cookie: fgm_session=${value}`],
    [`Cookie: a=1; fgm_session=${value}; b=2`],
    [`Cookie: fgm_session=${value}; fgm_session=${value}`],
    ["Cookie: a=1", `Cookie: fgm_session=${value}`],
  ];
}

describe("garbage session cookies are no session", () => {
  test.each(GARBAGE)("%s: a stranger sees the denied page; nothing is written", async (_label, value) => {
    const before = await snapshot(site.dir);
    for (const lines of cookieLines(value)) {
      const response = await raw(site, ADDR.stranger, "GET", "/", lines);
      expectRefused(response, `${_label} ${lines.join(" | ")}`, [403]);
      expect(response.body).toContain(`<span class="address" id="client-address">${ADDR.stranger}</span>`);
    }
    await expectUnchanged(site.dir, before, `the ${_label} cookie`);
  });

  test.each(GARBAGE)("%s: a password user is sent to sign in; an admin route redirects", async (_label, value) => {
    const before = await snapshot(site.dir);
    const app = await raw(site, ADDR.carol, "GET", "/app/", [`Cookie: fgm_session=${value}`]);
    expect(app.status).toBe(303);
    expect(app.headers.location).toBe("/login?next=%2Fapp%2F");
    const admin = await raw(site, ADDR.boss, "GET", "/admin", [`Cookie: fgm_session=${value}`]);
    expect(admin.status).toBe(303);
    expect(admin.headers.location).toBe("/login?next=%2Fadmin");
    await expectUnchanged(site.dir, before, `the ${_label} cookie`);
  });

  test("a raw NUL or control byte in the Cookie header is refused by the parser (400), not a 500", async () => {
    for (const value of ["abc\u0000def", "abc\u0001def", "abc\u007fdef"]) {
      const response = await raw(site, ADDR.stranger, "GET", "/", [`Cookie: fgm_session=${value}`]);
      expect(response.status === 400 || response.status === 403, `control byte ${JSON.stringify(value)}: ${response.status}`).toBe(true);
    }
  });

  test("a cookie too large for any header limit is refused with 431, not a 500 or a hang", async () => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.stranger, "GET", "/", [`Cookie: fgm_session=${"A".repeat(20_000)}`]);
    expectRefused(response, "a 20 KB cookie", [431]);
    await expectUnchanged(site.dir, before, "the huge cookie");
  });

  test("five hundred cookies, one of them fgm_session garbage, are no session", async () => {
    const before = await snapshot(site.dir);
    const many = Array.from({ length: 500 }, (_, i) => `c${i}=${i}`);
    many.splice(250, 0, `fgm_session=${"B".repeat(43)}`);
    const response = await raw(site, ADDR.stranger, "GET", "/", [`Cookie: ${many.join("; ")}`]);
    expectRefused(response, "500 cookies", [403]);
    await expectUnchanged(site.dir, before, "500 cookies");
  });

  test("a garbage language cookie falls back to the browser's language", async () => {
    for (const value of ["%ZZ", "<script>alert(1)</script>", "ko%00", "x".repeat(2000)]) {
      const response = await raw(site, ADDR.stranger, "GET", "/", [`Cookie: lang=${value}`, "Accept-Language: ko"]);
      expect(response.status).toBe(403);
      expect(response.body).toContain('<html lang="ko">');
    }
  });
});

describe("a valid-looking token that is not a session", () => {
  test("a stranger with an unknown 43-character token: denied, and the cookie is cleared", async () => {
    const before = await snapshot(site.dir);
    const token = "Q".repeat(43);
    const response = await raw(site, ADDR.stranger, "GET", "/", [`Cookie: fgm_session=${token}`]);
    expect(response.status).toBe(403);
    expect(response.setCookies).toEqual(["fgm_session=; Max-Age=0; Path=/"]);
    await expectUnchanged(site.dir, before, "an unknown token");
  });

  test("an address user with an unknown token gets a fresh session of their own and nothing else", async () => {
    const before = await snapshot(site.dir);
    const unknown = "Z".repeat(43);
    const response = await raw(site, ADDR.alice, "GET", "/", [`Cookie: fgm_session=${unknown}`]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/app/");
    // Cleared first, then the new one: a browser applies them in order and keeps the new session.
    expect(response.setCookies).toHaveLength(2);
    expect(response.setCookies[0]).toBe("fgm_session=; Max-Age=0; Path=/");
    const fresh = /^fgm_session=([A-Za-z0-9_-]{43});/.exec(response.setCookies[1]!)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(unknown);
    const added = await rowsAddedSince(site.dir, before, "sessions");
    expect(added).toMatchObject([{ address: ADDR.alice, method: "address", token_hash: hashToken(fresh!), ended_at: null }]);
    expect(await query(site.dir, "SELECT id FROM sessions WHERE token_hash = ?", [hashToken(unknown)])).toEqual([]);
    await expectUnchanged(site.dir, { users: before.users!, access_requests: before.access_requests!, login_failures: before.login_failures! });
  });
});

describe("someone else's real session cookie", () => {
  test("the admin's cookie from a stranger's address: no console, no page, and the admin's session lives on", async () => {
    const before = await snapshot(site.dir);
    const cookie = `Cookie: ${boss.cookieHeader()}`;
    const admin = await raw(site, ADDR.stranger, "GET", "/admin", [cookie]);
    expect(admin.status).toBe(303);
    expect(admin.headers.location).toBe("/");
    const home = await raw(site, ADDR.stranger, "GET", "/", [cookie]);
    expect(home.status).toBe(403);
    expect(home.body).toContain("Access denied");
    // A copied cookie must not let the thief end the owner's session by being refused either.
    expect(home.setCookies).toEqual([]);
    const revoke = await raw(site, ADDR.stranger, "POST", "/admin/sessions/1/revoke", [cookie, `Origin: ${site.url}`]);
    expect(revoke.status).toBe(303);
    expect(revoke.headers.location).toBe("/");
    await expectUnchanged(site.dir, before, "the stolen admin cookie");
    expect((await boss.get("/admin")).status).toBe(200);
  });

  test("bob's cookie at carol's address is carol without a password, not bob", async () => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.carol, "GET", "/app/", [`Cookie: ${bob.cookieHeader()}`]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/login?next=%2Fapp%2F");
    await expectUnchanged(site.dir, before, "bob's cookie at carol's address");
  });

  test("the cookie name is exact: FGM_SESSION or a prefixed name is not the session", async () => {
    const token = boss.cookies.get("fgm_session")!;
    for (const line of [`Cookie: FGM_SESSION=${token}`, `Cookie: xfgm_session=${token}`, `Cookie: fgm_session_=${token}`, `Cookie: fgm%5Fsession=${token}`]) {
      const response = await raw(site, ADDR.boss, "GET", "/admin", [line]);
      expect(response.status, line).toBe(303);
      expect(response.headers.location, line).toBe("/login?next=%2Fadmin");
    }
  });

  test("two fgm_session cookies, one of them the admin's: never a 500, never a new or ended session", async () => {
    const before = await snapshot(site.dir);
    const token = boss.cookies.get("fgm_session")!;
    for (const pair of [`fgm_session=${token}; fgm_session=garbage`, `fgm_session=garbage; fgm_session=${token}`, `fgm_session=${"C".repeat(43)}; fgm_session=${token}`]) {
      const response = await rawRequest(
        site.port,
        ADDR.boss,
        `GET /admin HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\nCookie: ${pair}\r\nConnection: close\r\n\r\n`,
      );
      // Hono reads the first fgm_session; either way the answer is the owner's console or the sign-in page.
      if (response.status === 200) expect(response.body).toContain("Signed in as boss");
      else expect(response.headers.location, pair).toBe("/login?next=%2Fadmin");
    }
    await expectUnchanged(site.dir, before, "duplicate cookies");
    expect((await boss.get("/admin")).status).toBe(200);
  });
});
