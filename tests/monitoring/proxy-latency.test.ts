// The dashboard's proxy latency is the p50 / p99 of the requests the relay carried in the last
// sampling window, whoever made them; the card names that window, and says when it had no requests.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { waitFor } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import { ADDR, BOSS_PASSWORD, type Site, appRunning, arrive, openSite, signIn } from "../security/fixture";

let site: Site;
let boss: Visitor;
let alice: Visitor;

beforeAll(async () => {
  site = await openSite({ args: ["--sample-seconds", "1"] });
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  alice = await arrive(site.visitor(ADDR.alice));
  await appRunning(alice, "alice");
});
afterAll(async () => {
  await site.close();
});

/** The latency card of the dashboard's summary, as text; undefined before the first sample. */
async function latencyCard(visitor: Visitor, language = "en"): Promise<string | undefined> {
  const html = (await visitor.get("/admin/fragments/summary", { "accept-language": language })).body;
  const card = /(?:Proxy latency p50 \/ p99, last 1 s|프록시 지연 p50 \/ p99\(최근 1초\))<\/span><strong>([^<]*)<\/strong>/.exec(html);
  return card?.[1];
}

describe("the dashboard's proxy latency", () => {
  test("a user working in their app shows as real p50 / p99 figures", async () => {
    let working = true;
    const work = (async () => {
      while (working) await alice.get("/app/_health", { accept: "application/json" });
    })();
    try {
      const shown = await waitFor("latency figures", async () => {
        const card = await latencyCard(boss);
        return card && /^\d+(\.\d+)? \/ \d+(\.\d+)? ms$/.test(card) ? card : undefined;
      });
      const [p50, p99] = shown.split(/ \/ | ms/).map(Number);
      expect(p50).toBeGreaterThan(0);
      expect(p99).toBeGreaterThanOrEqual(p50!);
    } finally {
      working = false;
      await work;
    }
  });

  test("a window without relayed requests says so, naming the window, in the reader's language", async () => {
    await waitFor("a quiet window", async () => (await latencyCard(boss)) === "no requests in the last 1 s");
    expect(await latencyCard(boss, "ko")).toBe("최근 1초 동안 요청 없음");
  });
});
