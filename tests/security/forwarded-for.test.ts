// X-Forwarded-For: from a peer that is not a trusted proxy it is ignored entirely (and so are its
// cousins); from the trusted proxy (--trusted-proxy 127.0.0.9) the chain is read right to left and
// a garbled hop stops the reading at the proxy itself, which nobody is registered as.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { query } from "../helpers/database";
import { ADDR, BOSS_PASSWORD, type Site, expectRefused, expectUnchanged, openSite, raw, rowsAddedSince, snapshot } from "./fixture";

let site: Site;

beforeAll(async () => {
  site = await openSite({ args: ["--trusted-proxy", ADDR.proxy] });
});
afterAll(async () => {
  await site.close();
});

function shownAddress(body: string): string | undefined {
  return /<span class="address" id="client-address">([^<]*)<\/span>/.exec(body)?.[1];
}

describe("an untrusted peer", () => {
  const spoofs = [
    ["X-Forwarded-For: 127.0.0.2"],
    ["X-Forwarded-For: 127.0.0.1"],
    [`X-Forwarded-For: 127.0.0.2, ${ADDR.proxy}`],
    ["Forwarded: for=127.0.0.2"],
    ['Forwarded: for="[::1]"'],
    ["X-Real-IP: 127.0.0.1", "X-Client-IP: 127.0.0.1", "True-Client-IP: 127.0.0.1", "CF-Connecting-IP: 127.0.0.1", "Client-IP: 127.0.0.1"],
    ["X-Forwarded-For: 127.0.0.2", "X-Forwarded-For: 127.0.0.1"],
  ];

  test("is who its socket says: the denied page, never alice's app or the console", async () => {
    const before = await snapshot(site.dir);
    for (const lines of spoofs) {
      const label = lines.join(" | ");
      const home = await raw(site, ADDR.stranger, "GET", "/", lines);
      expectRefused(home, label, [403]);
      expect(shownAddress(home.body), label).toBe(ADDR.stranger);
      const app = await raw(site, ADDR.stranger, "GET", "/app/_health", lines);
      expectRefused(app, label, [403]);
      const admin = await raw(site, ADDR.stranger, "GET", "/admin", lines);
      expect(admin.status, label).toBe(303);
      expect(admin.headers.location, label).toBe("/");
    }
    await expectUnchanged(site.dir, before, "spoofed forwarding headers");
  });

  test("cannot sign in as the admin by claiming the admin's address; the audit trail names the real address", async () => {
    const before = await snapshot(site.dir);
    const visitor = site.visitor(ADDR.stranger, { "x-forwarded-for": ADDR.boss, forwarded: `for=${ADDR.boss}` });
    const response = await visitor.post("/login", { name: "boss", password: BOSS_PASSWORD, next: "/" });
    // The right password from the wrong address is answered like a wrong password.
    expectRefused(response, "boss's password from a stranger", [401]);
    expect(visitor.cookies.has("fgm_session")).toBe(false);
    await expectUnchanged(site.dir, { sessions: before.sessions!, users: before.users! });
    expect(await rowsAddedSince(site.dir, before, "audit_log")).toMatchObject([{ action: "login.failed", address: ADDR.stranger, target: "boss" }]);
    expect(await rowsAddedSince(site.dir, before, "login_failures")).toMatchObject([{ name: "boss", address: ADDR.stranger }]);
  });
});

describe("the trusted proxy", () => {
  test("a clean chain is believed: alice through the proxy is alice (positive control)", async () => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.proxy, "GET", "/", ["X-Forwarded-For: 127.0.0.2"]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/app/");
    expect(await rowsAddedSince(site.dir, before, "sessions")).toMatchObject([{ address: ADDR.alice, method: "address" }]);
  });

  test.each([
    ["garbage alone", ["X-Forwarded-For: garbage"]],
    ["a garbled hop after alice", ["X-Forwarded-For: 127.0.0.2, garbage"]],
    ["an empty hop", [`X-Forwarded-For: 127.0.0.2, , ${ADDR.proxy}`]],
    ["only commas", ["X-Forwarded-For: , , ,"]],
    ["unknown", ["X-Forwarded-For: unknown"]],
    ["a port", ["X-Forwarded-For: 127.0.0.2:8080"]],
    ["two addresses without a comma", ["X-Forwarded-For: 127.0.0.2 127.0.0.4"]],
    ["a leading zero", ["X-Forwarded-For: 127.0.0.02"]],
    ["an octet over 255", ["X-Forwarded-For: 127.0.0.256"]],
    ["a CIDR range", ["X-Forwarded-For: 127.0.0.0/24"]],
    ["a host name", ["X-Forwarded-For: alice.example"]],
    ["markup", ["X-Forwarded-For: <script>alert(1)</script>"]],
    ["SQL", ["X-Forwarded-For: 127.0.0.2' OR '1'='1"]],
    ["two header lines, the last garbled", ["X-Forwarded-For: 127.0.0.2", "X-Forwarded-For: garbage"]],
    ["an IPv6 address with too many groups", ["X-Forwarded-For: 1:2:3:4:5:6:7:8:9"]],
    ["a Forwarded header instead", ["Forwarded: for=127.0.0.2"]],
  ])("%s: the client is the proxy itself, which is nobody", async (_label, lines) => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.proxy, "GET", "/", lines);
    expectRefused(response, _label, [403]);
    expect(shownAddress(response.body)).toBe(ADDR.proxy);
    await expectUnchanged(site.dir, before, _label);
  });

  test("garbage before the last good hop does not matter: the rightmost untrusted hop is the client", async () => {
    const response = await raw(site, ADDR.proxy, "GET", "/", ["X-Forwarded-For: garbage, <x>, 127.0.0.4"]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/app/");
    const [session] = await query(site.dir, "SELECT s.address FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'bob'");
    expect(session).toEqual({ address: ADDR.bob });
  });

  test("a chain of five hundred hops is read without trouble", async () => {
    const before = await snapshot(site.dir);
    const chain = Array.from({ length: 500 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join(", ");
    const response = await raw(site, ADDR.proxy, "GET", "/", [`X-Forwarded-For: ${chain}`]);
    expectRefused(response, "500 hops", [403]);
    expect(shownAddress(response.body)).toBe("10.1.243.1");
    await expectUnchanged(site.dir, before, "500 hops");
  });
});
