// Honest timeouts on the relay: a feature app that does not answer within the proxy timeout gets
// the browser a 504 that says so (and, for a change, that its outcome is unknown) instead of an
// empty reply; a slow first request of a new session is answered, not dropped after Bun's 10 s.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Visitor } from "../helpers/http-from";
import { ADDR, type Site, appRunning, arrive, httpText, openSite, raw, rawRequest } from "../security/fixture";

let site: Site;
let alice: Visitor;

beforeAll(async () => {
  site = await openSite({ args: ["--diagnostics", "--proxy-timeout-seconds", "5"] });
  alice = await arrive(site.visitor(ADDR.alice));
  await appRunning(alice, "alice");
});
afterAll(async () => {
  await site.close();
});

describe("an app slower than the proxy timeout", () => {
  test("a script's GET gets 504 JSON after the timeout, not an empty reply", async () => {
    const started = performance.now();
    const response = await raw(site, ADDR.alice, "GET", "/app/_diag/sleep?ms=9000", [`Cookie: ${alice.cookieHeader()}`, "Accept: application/json"]);
    expect(response.status).toBe(504);
    expect(JSON.parse(response.body).error).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(8500);
  }, 20_000);

  test("a browser's page says the app took too long", async () => {
    const response = await raw(site, ADDR.alice, "GET", "/app/_diag/sleep?ms=9000", [`Cookie: ${alice.cookieHeader()}`, "Accept: text/html"]);
    expect(response.status).toBe(504);
    expect(response.body).toContain('id="instance-timeout"');
    expect(response.body).toContain("took too long");
  }, 20_000);

  test("a change that timed out says its outcome is unknown, in the reader's language", async () => {
    const headers = [`Cookie: ${alice.cookieHeader()}`, `Origin: ${site.url}`, "Accept: application/json"];
    const english = await raw(site, ADDR.alice, "POST", "/app/_diag/sleep?ms=9000", headers, "{}");
    expect(english.status).toBe(504);
    expect(JSON.parse(english.body).message).toContain("not known whether your change was saved");
    const korean = await raw(site, ADDR.alice, "POST", "/app/_diag/sleep?ms=9000", [...headers, "Accept-Language: ko"], "{}");
    expect(JSON.parse(korean.body).message).toContain("저장되었는지 알 수 없습니다");
  }, 30_000);
});

describe("a slow first request", () => {
  test("the request that starts a session and the user's app, and then takes 15 s, is answered", async () => {
    const fresh = await openSite({ args: ["--diagnostics"] });
    try {
      // bob has no session and no app yet: this request is let in by his address, starts both, and waits.
      const request = httpText("GET", "/app/_diag/sleep?ms=15000", fresh.port, ["Accept: application/json"]);
      const response = await rawRequest(fresh.port, ADDR.bob, request, { timeoutMs: 40_000 });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ slept: 15000 });
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
