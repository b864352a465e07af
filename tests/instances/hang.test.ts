// A feature app that hangs (here: kill -STOP of the real child process) is noticed by its health
// checks, logged, reported to the admin, killed and started again; its user is told it is not
// answering and is being restarted, and then works in a new process.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instanceOf, isAlive, waitFor } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import { ADDR, type Site, appRunning, arrive, openSite, raw } from "../security/fixture";

let site: Site;
let alice: Visitor;
/** The admin's alert webhook (a Teams/Slack incoming webhook stand-in). */
const alerts: string[] = [];
const webhook = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    alerts.push(((await request.json()) as { text: string }).text);
    return new Response("ok");
  },
});

beforeAll(async () => {
  site = await openSite({ args: ["--sample-seconds", "1", "--instance-hang-seconds", "3", "--alert-webhook-url", `http://127.0.0.1:${webhook.port}/hook`] });
  alice = await arrive(site.visitor(ADDR.alice));
  await appRunning(alice, "alice");
});
afterAll(async () => {
  await site.close();
  await webhook.stop(true);
});

describe.skipIf(process.platform === "win32")("a hung feature app", () => {
  test("kill -STOP: logged, alerted, killed and restarted; its user is told, then served by a new process", async () => {
    const { pid } = await instanceOf(site.dir, "alice");
    process.kill(pid!, "SIGSTOP");
    try {
      // The page asked for while it hangs waits, then says the app is not answering and is being restarted.
      const page = await raw(site, ADDR.alice, "GET", "/app/", [`Cookie: ${alice.cookieHeader()}`, "Accept: text/html"]);
      expect([502, 503]).toContain(page.status);
      expect(page.body).toContain("not answering");
      await waitFor("the hung process to be gone", () => !isAlive(pid!), 10_000);
      const health = await waitFor(
        "alice's app in a new process",
        async () => {
          const response = await alice.get("/app/_health", { accept: "application/json" });
          return response.status === 200 ? (JSON.parse(response.body) as { pid: number; user: string }) : undefined;
        },
        30_000,
      );
      expect(health.user).toBe("alice");
      expect(health.pid).not.toBe(pid);
      const output = site.gateway.output();
      expect(output).toContain("instance is not answering its health checks; killing it to restart it");
      expect(output).toContain("a feature app stopped answering and was restarted");
      expect(alerts.join("\n")).toContain("a feature app stopped answering and was restarted (user=alice");
    } finally {
      if (isAlive(pid!)) process.kill(pid!, "SIGKILL");
    }
  }, 60_000);
});
