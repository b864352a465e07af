// The gateway's door (who gets in), against the real server over real sockets; each 127.0.0.N is a machine.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { Visitor, requestFrom } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const ADMIN_PASSWORD = "console-password-1";

async function auditActions(dataDir: string): Promise<string[]> {
  const client = createClient({ url: `file:${join(dataDir, "5gfm.db")}` });
  try {
    const rows = await client.execute("SELECT action, target, address FROM audit_log ORDER BY id");
    return rows.rows.map((r) => `${r.action} ${r.target} @${r.address}`);
  } finally {
    client.close();
  }
}

async function signIn(visitor: Visitor, name: string, password: string) {
  const response = await visitor.post("/login", { name, password, next: "/" });
  expect(response.status).toBe(303);
  return response;
}

/** This machine's own non-loopback IPv4 address, if it has one (its LAN address). */
const LAN_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;

describe("first run", () => {
  test.skipIf(!LAN_ADDRESS)("on the server, opened by its own network address, setup is reachable too", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path);
    const self = new Visitor(LAN_ADDRESS!, gateway.url);
    expect((await self.get("/")).location).toBe("/setup");
    const form = await self.get("/setup");
    expect(form.status).toBe(200);
    expect(form.body).toContain(LAN_ADDRESS!);
  });

  test("setup is reachable from 127.0.0.1 but not from other machines; they see 'not set up yet'", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path);
    const remote = new Visitor("127.0.0.2", gateway.url);
    const home = await remote.get("/");
    expect(home.status).toBe(503);
    expect(home.body).toContain("Not set up yet");
    expect((await remote.get("/setup")).status).toBe(403);
    const sneaky = await remote.post("/setup", { name: "mallory", password: "password123", passwordAgain: "password123", addresses: "127.0.0.2" });
    expect(sneaky.status).toBe(403);

    const local = new Visitor("127.0.0.1", gateway.url);
    const toSetup = await local.get("/");
    expect(toSetup.status).toBe(303);
    expect(toSetup.location).toBe("/setup");
    const form = await local.get("/setup");
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="passwordAgain"');

    const mismatch = await local.post("/setup", { name: "boss", password: ADMIN_PASSWORD, passwordAgain: "different-1", addresses: "127.0.0.1" });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain("The two passwords differ.");
    const withoutHere = await local.post("/setup", { name: "boss", password: ADMIN_PASSWORD, passwordAgain: ADMIN_PASSWORD, addresses: "10.0.0.1" });
    expect(withoutHere.body).toContain("Include this machine&#39;s address (127.0.0.1)");
    const shortPassword = await local.post("/setup", { name: "boss", password: "short", passwordAgain: "short", addresses: "127.0.0.1" });
    expect(shortPassword.body).toContain("at least 8 characters");
    expect(JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout)).toEqual([]);

    const created = await local.post("/setup", {
      name: "boss",
      displayName: "Park Boss",
      password: ADMIN_PASSWORD,
      passwordAgain: ADMIN_PASSWORD,
      addresses: "127.0.0.1\n::1",
    });
    expect(created.status).toBe(303);
    expect(created.location).toBe("/admin");
    const console = await local.get("/admin");
    expect(console.status).toBe(200);
    expect(console.body).toContain("Signed in as Park Boss");

    expect((await local.get("/setup")).status).toBe(303);
    expect((await remote.get("/")).status).toBe(403);
    const users = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout);
    expect(users).toMatchObject([{ name: "boss", role: "admin", requirePassword: true, ipRules: ["127.0.0.1", "::1"] }]);
  });
});

describe("an established server", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  const admin = () => new Visitor("127.0.0.1", gateway.url);

  beforeAll(async () => {
    const data = ["--data", dir.path];
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--password-stdin", ...data], { stdin: `${ADMIN_PASSWORD}\n` });
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", ...data]);
    await runCli(["user", "add", "carol", "--role", "user", "--ip", "127.0.0.5", "--password-stdin", "--require-password", ...data], {
      stdin: "carol-secret-99\n",
    });
    await runCli(["user", "add", "dave", "--role", "user", "--ip", "127.0.0.6", "--disable", ...data]);
    gateway = await startServe(dir.path, ["--trusted-proxy", "127.0.0.9"]);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("a registered user goes straight to /app/ and gets a session cookie", async () => {
    const alice = new Visitor("127.0.0.2", gateway.url);
    const home = await alice.get("/");
    expect(home.status).toBe(303);
    expect(home.location).toBe("/app/");
    const cookie = String(home.headers["set-cookie"]);
    expect(cookie).toMatch(/^fgm_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const app = await alice.get("/app/");
    expect(app.status).toBe(200);
    expect(app.body).toContain("Signed in as alice");
  });

  test("an unregistered address gets the 403 page with its address; after approval it gets in", async () => {
    const visitor = new Visitor("127.0.0.3", gateway.url, { "accept-language": "ko-KR,ko" });
    const denied = await visitor.get("/");
    expect(denied.status).toBe(403);
    expect(denied.body).toContain(">127.0.0.3</span>");
    expect(denied.body).toContain("접근 거부");

    const empty = await visitor.post("/access-request", { name: " ", reason: "" });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain("이름을 입력하세요");
    const sent = await visitor.post("/access-request", { name: "Min-ji Lee", reason: "RAN planning <team>" }, { "hx-request": "true" });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('id="request-sent"');
    expect(sent.body).not.toContain("<html");
    expect((await visitor.get("/")).body).toContain('id="request-sent"');

    const boss = admin();
    await signIn(boss, "boss", ADMIN_PASSWORD);
    const console = await boss.get("/admin/access");
    expect(console.body).toContain("RAN planning &lt;team&gt;");
    const id = /\/admin\/access-requests\/(\d+)\/approve/.exec(console.body)?.[1];
    expect(id).toBeDefined();
    const approved = await boss.post(`/admin/access-requests/${id}/approve`, { userName: "minji", role: "user" }, { "hx-request": "true" });
    expect(approved.status).toBe(200);
    expect(approved.body).toContain("minji can now sign in from 127.0.0.3");
    const twice = await boss.post(`/admin/access-requests/${id}/approve`, { userName: "minji2", role: "user" }, { "hx-request": "true" });
    expect(twice.body).toContain("this request was already approved");

    const after = await visitor.get("/");
    expect(after.status).toBe(303);
    expect(after.location).toBe("/app/");
    const actions = await auditActions(dir.path);
    expect(actions).toContain(`access-request.submit Min-ji Lee @127.0.0.3`);
    expect(actions).toContain(`access-request.approve minji @127.0.0.1`);
  });

  test("a rejected visitor is told so; a Korean name gets a usable user-name suggestion", async () => {
    const visitor = new Visitor("127.0.0.10", gateway.url);
    await visitor.post("/access-request", { name: "김민수", reason: "" });
    const boss = admin();
    await signIn(boss, "boss", ADMIN_PASSWORD);
    const console = await boss.get("/admin/access");
    expect(console.body).toContain('value="user-127-0-0-10"');
    const id = /\/admin\/access-requests\/(\d+)\/reject/.exec(console.body.slice(console.body.indexOf("127.0.0.10")))?.[1];
    expect((await boss.post(`/admin/access-requests/${id}/reject`, {}, { "hx-request": "true" })).body).toContain("Rejected the request from 127.0.0.10");
    const denied = await visitor.get("/");
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('id="request-rejected"');
    expect(await auditActions(dir.path)).toContain("access-request.reject 김민수 @127.0.0.1");
  });

  test("X-Forwarded-For is ignored unless the peer is a trusted proxy", async () => {
    const spoof = await requestFrom("127.0.0.4", `${gateway.url}/`, { headers: { "x-forwarded-for": "127.0.0.2" } });
    expect(spoof.status).toBe(403);
    expect(spoof.body).toContain(">127.0.0.4</span>");
    const viaProxy = await requestFrom("127.0.0.9", `${gateway.url}/`, { headers: { "x-forwarded-for": "127.0.0.2" } });
    expect(viaProxy.status).toBe(303);
    expect(viaProxy.location).toBe("/app/");
    const chain = await requestFrom("127.0.0.9", `${gateway.url}/`, { headers: { "x-forwarded-for": "127.0.0.2, 127.0.0.4" } });
    expect(chain.status).toBe(403);
    expect(chain.body).toContain(">127.0.0.4</span>");
  });

  test("a disabled user gets their own page", async () => {
    const dave = await requestFrom("127.0.0.6", `${gateway.url}/`);
    expect(dave.status).toBe(403);
    expect(dave.body).toContain("The account dave is disabled");
  });

  test("a fragment request from a page whose visitor may not (or no longer) be there sends the whole tab away", async () => {
    const htmx = (page: string) => ({ "hx-request": "true", "hx-current-url": `${gateway.url}${page}` });
    // Carol needs to sign in: htmx is told to load the sign-in page, which returns to the page she was on.
    const carol = new Visitor("127.0.0.5", gateway.url);
    const search = await carol.get("/app/?q=ca", htmx("/app/sets/1"));
    expect(search.status).toBe(200);
    expect(search.headers["hx-redirect"]).toBe("/login?next=%2Fapp%2Fsets%2F1");
    expect(search.body).toBe("");
    // An address nobody registered, and a disabled user: the home page says what is what.
    expect((await new Visitor("127.0.0.77", gateway.url).get("/app/?q=ca", htmx("/app/"))).headers["hx-redirect"]).toBe("/");
    expect((await new Visitor("127.0.0.6", gateway.url).get("/app/", htmx("/app/"))).headers["hx-redirect"]).toBe("/");
    // The console: the admin's session is gone, so the fragment does not get the sign-in page inside it.
    const consoleFragment = await new Visitor("127.0.0.1", gateway.url).get("/admin/sessions", htmx("/admin/sessions"));
    expect(consoleFragment.headers["hx-redirect"]).toBe("/login?next=%2Fadmin%2Fsessions");
    // Without htmx nothing changes: a redirect.
    expect((await carol.get("/app/")).status).toBe(303);
  });

  test("a password-protected user must sign in; ten wrong passwords lock that address with the time it ends", async () => {
    const carol = new Visitor("127.0.0.5", gateway.url);
    const home = await carol.get("/");
    expect(home.status).toBe(303);
    expect(home.location).toBe("/login?next=%2F");
    expect((await carol.get("/app/")).location).toBe("/login?next=%2Fapp%2F");
    for (let attempt = 1; attempt <= 9; attempt++) {
      const wrong = await carol.post("/login", { name: "carol", password: `wrong-${attempt}`, next: "/" });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain(attempt === 9 ? "1 attempt left" : `${10 - attempt} attempts left`);
    }
    const tenth = await carol.post("/login", { name: "carol", password: "wrong-10", next: "/" });
    expect(tenth.status).toBe(429);
    expect(tenth.body).toMatch(/Sign-in from 127\.0\.0\.5 is locked until \d/);
    const right = await carol.post("/login", { name: "carol", password: "carol-secret-99", next: "/" });
    expect(right.status).toBe(429);
    expect(carol.cookies.has("fgm_session")).toBe(false);
    const actions = await auditActions(dir.path);
    expect(actions.filter((a) => a === "login.failed carol @127.0.0.5")).toHaveLength(10);
    expect(actions).toContain("login.lockout carol @127.0.0.5");
    expect(actions).toContain("login.refused-locked carol @127.0.0.5");
  });

  test("the right password from the wrong address does not sign in, and says no more than a wrong one", async () => {
    const elsewhere = new Visitor("127.0.0.7", gateway.url);
    const right = await elsewhere.post("/login", { name: "boss", password: ADMIN_PASSWORD, next: "/" });
    const wrong = await elsewhere.post("/login", { name: "boss", password: "not-the-password", next: "/" });
    expect(right.status).toBe(401);
    expect(right.body).toContain("Wrong user name or password");
    expect(wrong.status).toBe(401);
    expect(elsewhere.cookies.has("fgm_session")).toBe(false);
  });

  const OFF_SITE = [
    "//evil.example/",
    "/\t/evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "/.//evil.example/phish",
    "/x/..//evil.example/phish",
    "/%2e//evil.example/phish",
    "/%2E%2e//evil.example/phish",
    "/././/evil.example/phish",
  ];
  test.each(OFF_SITE)("sign-in never sends the browser to another site (next=%p)", async (next) => {
    const boss = new Visitor("127.0.0.1", gateway.url);
    const response = await boss.post("/login", { name: "boss", password: ADMIN_PASSWORD, next });
    expect(response.status).toBe(303);
    expect(response.location).toMatch(/^\/(?![/\\\t])/);
    expect(response.location).not.toContain("evil");
    // Signed in now: the sign-in page itself redirects at once, by the same rule.
    const again = await boss.get(`/login?next=${encodeURIComponent(next)}`);
    expect(again.status).toBe(303);
    expect(again.location).toBe("/");
  });

  test("a session cookie replayed from another address is refused", async () => {
    const boss = admin();
    await signIn(boss, "boss", ADMIN_PASSWORD);
    expect((await boss.get("/admin")).status).toBe(200);
    const thief = await requestFrom("127.0.0.8", `${gateway.url}/admin`, { headers: { cookie: boss.cookieHeader() } });
    expect(thief.status).toBe(303);
    expect(thief.location).toBe("/");
    const thiefHome = await requestFrom("127.0.0.8", `${gateway.url}/app/`, { headers: { cookie: boss.cookieHeader() } });
    expect(thiefHome.status).toBe(403);
    expect((await boss.get("/admin")).status).toBe(200);
  });

  test("an admin-revoked session is dead at once", async () => {
    const victim = new Visitor("127.0.0.1", gateway.url);
    await signIn(victim, "boss", ADMIN_PASSWORD);
    const boss = admin();
    await signIn(boss, "boss", ADMIN_PASSWORD);
    const console = await boss.get("/admin/sessions");
    const ids = [...console.body.matchAll(/\/admin\/sessions\/(\d+)\/revoke/g)].map((m) => Number(m[1]));
    const victimId = Math.max(...ids.filter((id) => id !== undefined));
    expect((await victim.get("/admin")).status).toBe(200);
    // The newest other session is the victim's (the console hides the revoke button for your own).
    const revoked = await boss.post(`/admin/sessions/${victimId}/revoke`, {}, { "hx-request": "true" });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toContain("Session ended.");
    const after = await victim.get("/admin");
    expect(after.status).toBe(303);
    expect(after.location).toBe("/login?next=%2Fadmin&ended=revoked");
    expect((await victim.get(after.location!)).body).toContain("Your session ended (ended by the administrator)");
    expect(await auditActions(dir.path)).toContain("session.revoke boss @127.0.0.1");
  });

  test("a user may not use the console; state-changing requests must come from this site", async () => {
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    const forbidden = await alice.get("/admin");
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain("You do not have access to this page.");
    expect((await alice.post("/admin/sessions/1/revoke", {})).status).toBe(403);

    const foreign = await alice.post("/logout", {}, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("came from another site");
    const noOrigin = await requestFrom("127.0.0.2", `${gateway.url}/logout`, { method: "POST", headers: { cookie: alice.cookieHeader() } });
    expect(noOrigin.status).toBe(403);
    expect((await alice.get("/app/")).status).toBe(200);

    const out = await alice.post("/logout", {});
    expect(out.location).toBe("/signed-out");
    expect(alice.cookies.has("fgm_session")).toBe(false);
  });

  test("an oversized form is refused before it is read", async () => {
    const big = await new Visitor("127.0.0.3", gateway.url).post("/login", { name: "x", password: "y".repeat(100_000) });
    expect(big.status).toBe(413);
  });
});

describe("restarts and settings", () => {
  test("sessions survive a gateway restart; the admin console can live at another path", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--password-stdin", "--data", dir.path], {
      stdin: `${ADMIN_PASSWORD}\n`,
    });
    const boss = new Visitor("127.0.0.1", "");
    {
      await using gateway = await startServe(dir.path, ["--admin-path", "/ops"]);
      Object.assign(boss, { baseUrl: gateway.url });
      const signedIn = await signIn(boss, "boss", ADMIN_PASSWORD);
      expect(signedIn.location).toBe("/ops");
      expect((await boss.get("/ops")).status).toBe(200);
      expect((await boss.get("/admin")).status).toBe(404);
    }
    await using again = await startServe(dir.path, ["--admin-path", "/ops"]);
    Object.assign(boss, { baseUrl: again.url });
    const console = await boss.get("/ops");
    expect(console.status).toBe(200);
    expect(console.body).toContain("Signed in as boss");
  });

  test("an idle session ends", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await using gateway = await startServe(dir.path);
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    const first = alice.cookies.get("fgm_session");
    // Age the session in the database as an hour of idleness would.
    const client = createClient({ url: `file:${join(dir.path, "5gfm.db")}` });
    await client.execute("UPDATE sessions SET last_seen_at = last_seen_at - 3600000");
    client.close();
    await alice.get("/app/");
    expect(alice.cookies.get("fgm_session")).not.toBe(first);
    const rows = createClient({ url: `file:${join(dir.path, "5gfm.db")}` });
    const ended = await rows.execute("SELECT end_reason FROM sessions WHERE end_reason IS NOT NULL");
    rows.close();
    expect(ended.rows.map((r) => r.end_reason)).toEqual(["idle"]);
  });
});
