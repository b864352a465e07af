// A visit is a session a person started in a browser: a page navigation, or a page that opened the
// feature app (its WebSocket). Sessions scripts start (API calls without a browser's Sec-Fetch-*
// headers) are counted apart as script sessions, and the statistics page says what each means.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { query, waitFor } from "../helpers/database";
import { openWebSocketFrom } from "../helpers/http-from";
import { ADDR, BOSS_PASSWORD, type Site, openSite, raw, signIn } from "../security/fixture";

let site: Site;

beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site.close();
});

const usageOf = async (name: string) =>
  (await query(site.dir, "SELECT d.visits, d.script_sessions FROM usage_days d JOIN users u ON u.id = d.user_id WHERE u.name = ?", [name]))[0] ?? {
    visits: 0,
    script_sessions: 0,
  };

describe("visits and script sessions", () => {
  test("a script's calls start a script session, not a visit", async () => {
    const response = await raw(site, ADDR.bob, "GET", "/app/api/catalog/versions", ["Accept: application/json"]);
    expect([200, 503]).toContain(response.status);
    expect(await usageOf("bob")).toEqual({ visits: 0, script_sessions: 1 });
  });

  test("a browser's page navigation starts a visit", async () => {
    const response = await raw(site, ADDR.alice, "GET", "/", ["Sec-Fetch-Mode: navigate", "Sec-Fetch-Dest: document", "Sec-Fetch-Site: none"]);
    expect(response.status).toBe(303);
    expect(await usageOf("alice")).toEqual({ visits: 1, script_sessions: 0 });
  });

  test("a session a script started becomes a visit when its page opens the feature app", async () => {
    const first = await raw(site, ADDR.bob, "GET", "/app/api/catalog/versions", ["Accept: application/json"]);
    const cookie = /fgm_session=[^;]+/.exec(first.setCookies.join("\n"))![0];
    await waitFor("bob's app", async () => (await raw(site, ADDR.bob, "GET", "/app/_health", [`Cookie: ${cookie}`, "Accept: application/json"])).status === 200, 30_000);
    const socket = await openWebSocketFrom(ADDR.bob, `${site.url}/app/ws`, cookie);
    try {
      await waitFor("the visit", async () => Number((await usageOf("bob")).visits) === 1);
      // The first test's script session stays one; this one moved.
      expect(await usageOf("bob")).toEqual({ visits: 1, script_sessions: 1 });
    } finally {
      socket.destroy();
    }
  });

  test("the statistics page shows script sessions apart and says what a visit and dwell time are", async () => {
    const boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
    const page = await boss.get("/admin/statistics");
    expect(page.body).toContain("Script sessions");
    expect(page.body).toContain("A session someone started by opening a page of this server in a browser");
    expect(page.body).toContain("How long the feature app was open in a browser tab");
    const csv = await boss.get("/admin/statistics/unique.csv");
    expect(csv.body.split("\r\n")[0]).toBe("\uFEFFday,users,visits,scriptSessions");
  });
});
