// WebSocket upgrades to /app/ws: from another site (any Origin but the gateway's own, or none) and
// without a session the address allows, the handshake is refused (no 101, a redirect or a 4xx)
// and no feature app is started for anyone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { query } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import {
  ADDR,
  BOSS_PASSWORD,
  type Site,
  WEBSOCKET_HANDSHAKE,
  arrive,
  expectRefused,
  expectUnchanged,
  openSite,
  raw,
  signIn,
  snapshot,
} from "./fixture";

const DISABLED = "127.0.0.6";

let site: Site;
let alice: Visitor;
let boss: Visitor;

/** A handshake as the gateway's own page would send it (its Origin), plus `lines`. */
function upgrade(address: string, lines: string[] = [], origin: string[] = [`Origin: ${site.url}`]) {
  return raw(site, address, "GET", "/app/ws", [...WEBSOCKET_HANDSHAKE, ...origin, ...lines]);
}

beforeAll(async () => {
  site = await openSite({ cast: { extraUsers: [{ args: ["user", "add", "dave", "--role", "user", "--ip", DISABLED, "--disable"] }] } });
  // Sessions exist, but nobody has opened the app: no instance anywhere.
  alice = await arrive(site.visitor(ADDR.alice));
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  expect(await query(site.dir, "SELECT key FROM instance_records")).toEqual([]);
});
afterAll(async () => {
  await site.close();
});

describe("refused handshakes start nothing", () => {
  test.each([
    ["a stranger without a cookie", ADDR.stranger, () => [], 403],
    ["a stranger with alice's cookie", ADDR.stranger, () => [`Cookie: ${alice.cookieHeader()}`], 403],
    ["a stranger with the admin's cookie", ADDR.stranger, () => [`Cookie: ${boss.cookieHeader()}`], 403],
    ["a stranger with an unknown token", ADDR.stranger, () => [`Cookie: fgm_session=${"W".repeat(43)}`], 403],
    ["a stranger with garbage", ADDR.stranger, () => ["Cookie: fgm_session=' OR 1=1 --"], 403],
    ["a stranger claiming alice's address", ADDR.stranger, () => ["X-Forwarded-For: 127.0.0.2", "Forwarded: for=127.0.0.2"], 403],
    ["carol (password required) without signing in", ADDR.carol, () => [], 303],
    ["carol with alice's cookie", ADDR.carol, () => [`Cookie: ${alice.cookieHeader()}`], 303],
    ["a disabled user", DISABLED, () => [], 403],
    ["a disabled user with alice's cookie", DISABLED, () => [`Cookie: ${alice.cookieHeader()}`], 403],
  ] as const)("%s: refused, no upgrade", async (label, address, lines, status) => {
    const before = await snapshot(site.dir);
    const response = await upgrade(address, [...lines()]);
    expect(response.status, label).not.toBe(101);
    expect(response.headers.upgrade, label).toBeUndefined();
    expect(response.headers["sec-websocket-accept"], label).toBeUndefined();
    expectRefused(response, label, [status]);
    if (status === 303) expect(response.headers.location).toBe("/login?next=%2Fapp%2Fws");
    await expectUnchanged(site.dir, before, label);
  });

  test("no instance was started by any of them", async () => {
    expect(await query(site.dir, "SELECT key FROM instance_records")).toEqual([]);
    expect(await query(site.dir, "SELECT id FROM instance_starts")).toEqual([]);
  });
});

describe("the owner", () => {
  test("alice's own handshake from her page is upgraded (positive control)", async () => {
    const response = await upgrade(ADDR.alice, [`Cookie: ${alice.cookieHeader()}`]);
    expect(response.status).toBe(101);
    expect(response.headers["sec-websocket-accept"]).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    expect(await query(site.dir, "SELECT r.key FROM instance_records r JOIN users u ON u.id = r.user_id WHERE u.name = 'alice'")).toHaveLength(1);
  });

  test("a broken handshake (no key, wrong version) is a 4xx, not a 500", async () => {
    for (const lines of [
      ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"],
      ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: short", "Sec-WebSocket-Version: 99"],
    ]) {
      const response = await raw(site, ADDR.alice, "GET", "/app/ws", [`Cookie: ${alice.cookieHeader()}`, `Origin: ${site.url}`, ...lines]);
      expect(response.status, lines.join(" | ")).not.toBe(101);
      expectRefused(response, lines.join(" | "));
    }
  });

  // Cross-site WebSocket hijacking: browsers let any page open a WebSocket to any host, and the
  // address is the identity, so the Origin is the only thing that tells alice's page from another
  // site's. Run after the positive control, so alice's instance exists: nothing may reach it.
  test.each([
    ["a foreign Origin", ["Origin: http://evil.example"]],
    ["Origin: null", ["Origin: null"]],
    ["no Origin at all", []],
    ["a foreign Origin with alice's cookie", ["Origin: http://evil.example", "COOKIE"]],
    ["this host on another port", ["Origin: http://127.0.0.1:1"]],
  ])("a handshake with %s is refused (403)", async (label, lines) => {
    const before = await snapshot(site.dir);
    const filled = lines.map((line) => (line === "COOKIE" ? `Cookie: ${alice.cookieHeader()}` : line));
    const response = await upgrade(ADDR.alice, [], filled);
    expect(response.status, label).not.toBe(101);
    expectRefused(response, label, [403]);
    expect(response.body).toContain("This request came from another site and was refused.");
    await expectUnchanged(site.dir, before, label);
  });
});
