// The fast lane (src/gateway/app-fast-lane.ts) relays a user's GETs without the router once their
// identity is confirmed. Every request here comes right after a confirmed one from the same
// person, so their identity is in memory and the fast lane is the path taken if any is: each
// guard of the full route must hold there too.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instanceOf, waitFor } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import { ADDR, type Site, appRunning, arrive, expectRefused, openSite, raw } from "./fixture";

let site: Site;
let alice: Visitor;

/** A confirmed request: alice's identity is now remembered for the next second. */
async function confirmed(): Promise<string> {
  const response = await alice.get("/app/_health", { accept: "application/json" });
  expect(response.status).toBe(200);
  return alice.cookieHeader();
}

beforeAll(async () => {
  site = await openSite();
  alice = await arrive(site.visitor(ADDR.alice));
  await appRunning(alice, "alice");
});
afterAll(async () => {
  await site.close();
});

describe("a remembered identity still passes every guard", () => {
  test("the answer is alice's own app, with the gateway's security headers (GET and HEAD)", async () => {
    const cookie = await confirmed();
    const health = await raw(site, ADDR.alice, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"]);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).user).toBe("alice");
    expect(health.headers["x-content-type-options"]).toBe("nosniff");
    expect(health.headers["x-frame-options"]).toBe("DENY");
    expect(health.headers["referrer-policy"]).toBe("same-origin");
    const page = await raw(site, ADDR.alice, "GET", "/app/", [`Cookie: ${cookie}`, "Accept: text/html"]);
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    const head = await raw(site, ADDR.alice, "HEAD", "/app/_health", [`Cookie: ${cookie}`]);
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  test.each(["/app/_diag/download?bytes=16", "/app/%5Fdiag/download?bytes=16"])(
    "%s stays closed",
    async (target) => {
      const cookie = await confirmed();
      const response = await raw(site, ADDR.alice, "GET", target, [`Cookie: ${cookie}`, "Accept: application/json"]);
      expectRefused(response, target, [404]);
      expect(response.headers["x-content-sha256"]).toBeUndefined();
    },
  );

  test.each([
    ["a name the server does not answer to", "Host: rebound.example", 421],
    ["a malformed Host", "Host: 127.0.0.1:99999", 400],
  ])("%s is refused", async (_label, hostLine, status) => {
    const cookie = await confirmed();
    const response = await raw(site, ADDR.alice, "GET", "/app/_health", [hostLine, `Cookie: ${cookie}`]);
    expectRefused(response, hostLine, [status]);
  });

  test("alice's cookie sent from another machine does not reach alice's app", async () => {
    const cookie = await confirmed();
    const response = await raw(site, ADDR.stranger, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"]);
    expect(response.body).not.toContain('"user":"alice"');
    expect(response.status).not.toBe(200);
  });

  test("?lang= still sets the language cookie (the app's own locale middleware does)", async () => {
    const cookie = await confirmed();
    const response = await raw(site, ADDR.alice, "GET", "/app/?lang=ko", [`Cookie: ${cookie}`, "Accept: text/html"]);
    expect(response.status).toBe(200);
    expect(String(response.headers["set-cookie"])).toContain("lang=ko");
  });

  test("an instance killed a moment ago gets the gateway's answer, never an error page", async () => {
    const cookie = await confirmed();
    const { pid } = await instanceOf(site.dir, "alice");
    process.kill(pid!, "SIGKILL");
    const response = await raw(site, ADDR.alice, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"]);
    expect([200, 502, 503]).toContain(response.status);
    if (response.status !== 200) expect(JSON.parse(response.body).error).toMatch(/^(starting|unavailable)$/);
    // And the app comes back.
    await waitFor("alice's instance again", async () => (await alice.get("/app/_health")).status === 200, 30_000);
  });
});

describe("scripts calling the app's API get JSON refusals", () => {
  test("a change without Origin is refused as JSON, and nothing is created", async () => {
    const cookie = await confirmed();
    const response = await raw(site, ADDR.alice, "POST", "/app/api/feature-sets", [`Cookie: ${cookie}`, "Content-Type: application/json"], '{"name":"x"}');
    expectRefused(response, "POST without Origin", [403]);
    expect(JSON.parse(response.body).error).toContain("another site");
    const list = await raw(site, ADDR.alice, "GET", "/app/api/feature-sets", [`Cookie: ${cookie}`]);
    expect(JSON.parse(list.body).items).toEqual([]);
  });

  test("an unregistered address and an account that needs a password are told so in JSON", async () => {
    const stranger = await raw(site, ADDR.stranger, "GET", "/app/api/features");
    expectRefused(stranger, "unregistered", [403]);
    expect(JSON.parse(stranger.body).error).toBe("this address is not registered");
    const carol = await raw(site, ADDR.carol, "GET", "/app/api/features");
    expectRefused(carol, "needs a password", [401]);
    expect(JSON.parse(carol.body).error).toContain("sign in first");
  });
});
