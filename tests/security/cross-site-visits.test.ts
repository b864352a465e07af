// Another site's page pointing at this server (an <img>, a <script>, a no-cors fetch) is no visit
// of the person whose browser shows it: for a user let in by address alone it starts no session
// and counts no visit. A link followed from another site is a navigation, and is a visit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { query } from "../helpers/database";
import { ADDR, type Site, expectUnchanged, openSite, raw, snapshot } from "./fixture";

let site: Site;

beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site.close();
});

const usage = () => query(site.dir, "SELECT day, user_id, visits FROM usage_days ORDER BY day, user_id");

describe("cross-site requests from an address-only user", () => {
  test.each([
    ["an <img> on another site", "/app/", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors", "Sec-Fetch-Dest: image"]],
    ["a <script> on another site", "/", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors", "Sec-Fetch-Dest: script"]],
    ["another site's fetch", "/app/api/features", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: cors", "Sec-Fetch-Dest: empty", "Accept: application/json"]],
  ])("%s starts no session and counts no visit", async (_label, target, headers) => {
    const before = await snapshot(site.dir, ["sessions", "audit_log"]);
    const visits = await usage();
    const response = await raw(site, ADDR.bob, "GET", target, headers);
    expect(response.status).toBe(403);
    expect(response.setCookies.join("\n")).not.toContain("fgm_session");
    await expectUnchanged(site.dir, before, "a cross-site subresource");
    expect(await usage()).toEqual(visits);
  });

  test("a link followed from another site is a visit: a session starts", async () => {
    const response = await raw(site, ADDR.alice, "GET", "/", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate", "Sec-Fetch-Dest: document"]);
    expect(response.status).toBe(303);
    expect(response.setCookies.join("\n")).toContain("fgm_session");
    expect((await usage()).some((row) => Number(row.visits) > 0)).toBe(true);
  });
});
