// Cross-site request forgery on every state-changing route: without an Origin (or Referer) of
// this very server the answer is 403 and nothing changes; from the gateway's own pages, with a
// valid session, each route works (the positive control that shows the refusals mean something).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instanceOf, query, waitFor } from "../helpers/database";
import type { Visitor } from "../helpers/http-from";
import {
  ADDR,
  BOSS_PASSWORD,
  CAROL_PASSWORD,
  type Site,
  type Snapshot,
  arrive,
  expectRefused,
  expectUnchanged,
  openSite,
  raw,
  signIn,
  snapshot,
} from "./fixture";

/** An address nobody uses elsewhere in this file: its access request must never be filed. */
const NEWCOMER = "127.0.0.8";

let site: Site;
let fresh: Site;
let boss: Visitor;
let alice: Visitor;
let requestId: number;
let aliceId: number;
let carolId: number;
let aliceSessionId: number;

interface Route {
  name: string;
  site: () => Site;
  address: string;
  path: () => string;
  cookie: () => string | undefined;
  form: Record<string, string>;
}

const routes: Route[] = [
  { name: "POST /logout", site: () => site, address: ADDR.alice, path: () => "/logout", cookie: () => alice.cookieHeader(), form: {} },
  {
    name: "POST /login",
    site: () => site,
    address: ADDR.carol,
    path: () => "/login",
    cookie: () => undefined,
    form: { name: "carol", password: CAROL_PASSWORD, next: "/" },
  },
  {
    name: "POST /setup",
    site: () => fresh,
    address: ADDR.boss,
    path: () => "/setup",
    cookie: () => undefined,
    form: { name: "mallory", displayName: "", password: "password-123", passwordAgain: "password-123", addresses: ADDR.boss },
  },
  {
    name: "POST /access-request",
    site: () => site,
    address: NEWCOMER,
    path: () => "/access-request",
    cookie: () => undefined,
    form: { name: "Forged Request", reason: "csrf" },
  },
  {
    name: "POST admin approve",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/access-requests/${requestId}/approve`,
    cookie: () => boss.cookieHeader(),
    form: { userName: "mallory", role: "admin" },
  },
  {
    name: "POST admin reject",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/access-requests/${requestId}/reject`,
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin revoke",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/sessions/${aliceSessionId}/revoke`,
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin lift a lockout",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/lockouts/lift",
    cookie: () => boss.cookieHeader(),
    form: { address: ADDR.stranger },
  },
  ...(["start", "stop", "restart"] as const).map((action) => ({
    name: `POST admin instance ${action}`,
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/instances/${aliceId}/${action}`,
    cookie: () => boss.cookieHeader(),
    form: {},
  })),
  {
    name: "POST admin add user",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/users",
    cookie: () => boss.cookieHeader(),
    form: { name: "mallory", role: "admin", addresses: "127.0.0.99", password: "" },
  },
  ...(["disable", "enable", "remove"] as const).map((action) => ({
    name: `POST admin user ${action}`,
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/users/${aliceId}/${action}`,
    cookie: () => boss.cookieHeader(),
    form: {},
  })),
  {
    name: "POST admin edit user",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/users/${aliceId}/edit`,
    cookie: () => boss.cookieHeader(),
    form: { displayName: "Forged", role: "admin", addresses: ADDR.alice },
  },
  {
    name: "POST admin set password",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/users/${aliceId}/password`,
    cookie: () => boss.cookieHeader(),
    form: { password: "forged-password-1", passwordAgain: "forged-password-1" },
  },
  {
    name: "POST admin remove password",
    site: () => site,
    address: ADDR.boss,
    path: () => `/admin/users/${carolId}/password/clear`,
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin save settings",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/settings",
    cookie: () => boss.cookieHeader(),
    form: { trustedProxies: "0.0.0.0/0", metricsToken: "forged-token-0123456789" },
  },
  {
    name: "POST admin reset a setting",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/settings/sessionIdleMinutes/reset",
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin back up now",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/backups",
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin cancel a scheduled restore",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/backups-restore/cancel",
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  {
    name: "POST admin dismiss a failed restore",
    site: () => site,
    address: ADDR.boss,
    path: () => "/admin/backups-restore/dismiss",
    cookie: () => boss.cookieHeader(),
    form: {},
  },
  { name: "POST /app/_retry", site: () => site, address: ADDR.alice, path: () => "/app/_retry", cookie: () => alice.cookieHeader(), form: {} },
  {
    name: "POST /app/_diag/upload (relayed to the app)",
    site: () => site,
    address: ADDR.alice,
    path: () => "/app/_diag/upload",
    cookie: () => alice.cookieHeader(),
    form: { data: "x" },
  },
];

/** Origin/Referer header lines that are not this server, for a gateway at `url`. */
function forgeries(url: string): [string, string[]][] {
  const { host, port } = new URL(url);
  return [
    ["neither Origin nor Referer", []],
    ["a foreign Origin", ["Origin: http://evil.example"]],
    ["Origin: null (sandboxed frame, data: URL)", ["Origin: null"]],
    ["an empty Origin", ["Origin: "]],
    ["an Origin that is not a URL", ["Origin: not a url"]],
    ["a foreign Referer and no Origin", ["Referer: http://evil.example/page.html"]],
    ["a foreign Origin with this server's Referer", ["Origin: http://evil.example", `Referer: ${url}/admin`]],
    ["this host without the port", ["Origin: http://127.0.0.1"]],
    ["this host on another port", [`Origin: http://127.0.0.1:${Number(port) + 1}`]],
    ["a look-alike suffix", [`Origin: http://${host}.evil.example`]],
    ["userinfo naming this host", [`Origin: http://${host}@evil.example`]],
    ["this server's Referer for localhost", [`Referer: http://localhost:${port}/admin`]],
    ["this host and port with the https scheme (the server speaks http)", [`Origin: https://${host}`]],
    ["a Referer of this host and port with the https scheme", [`Referer: https://${host}/admin`]],
    ["a WebSocket scheme for this host", [`Origin: ws://${host}`]],
  ];
}

function send(route: Route, lines: string[], extraForm: Record<string, string> = {}) {
  const cookie = route.cookie();
  return raw(
    route.site(),
    route.address,
    "POST",
    route.path(),
    [...(cookie ? [`Cookie: ${cookie}`] : []), "Content-Type: application/x-www-form-urlencoded", ...lines],
    new URLSearchParams({ ...route.form, ...extraForm }).toString(),
  );
}

async function state(): Promise<{ main: Snapshot; fresh: Snapshot; instances: Record<string, unknown>[] }> {
  return {
    main: await snapshot(site.dir),
    fresh: await snapshot(fresh.dir),
    instances: await query(site.dir, "SELECT key, state, pid, restarts FROM instance_records ORDER BY key"),
  };
}

beforeAll(async () => {
  // --diagnostics: the relayed upload is one of the POST routes checked.
  [site, fresh] = await Promise.all([openSite({ args: ["--diagnostics"] }), openSite({ setUp: false })]);
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  alice = await arrive(site.visitor(ADDR.alice));
  expect((await alice.get("/app/_health")).status).toBe(200);
  expect((await site.visitor(ADDR.stranger).post("/access-request", { name: "Stranger", reason: "please" })).body).toContain('id="request-sent"');
  requestId = Number((await query(site.dir, "SELECT id FROM access_requests WHERE address = ?", [ADDR.stranger]))[0]!.id);
  aliceId = Number((await query(site.dir, "SELECT id FROM users WHERE name = 'alice'"))[0]!.id);
  carolId = Number((await query(site.dir, "SELECT id FROM users WHERE name = 'carol'"))[0]!.id);
  aliceSessionId = Number((await query(site.dir, "SELECT id FROM sessions WHERE address = ? AND ended_at IS NULL", [ADDR.alice]))[0]!.id);
});
afterAll(async () => {
  await Promise.all([site?.close(), fresh?.close()]);
});

describe("forged requests are refused and change nothing", () => {
  test.each(routes.map((route) => [route.name, route] as const))("%s", async (_name, route) => {
    const before = await state();
    for (const [label, lines] of forgeries(route.site().url)) {
      const response = await send(route, lines);
      expectRefused(response, `${route.name} with ${label}`, [403]);
      expect(response.body, `${route.name} with ${label}`).toContain("This request came from another site and was refused.");
      expect(response.setCookies.filter((c) => c.startsWith("fgm_session=")), `${route.name} with ${label}`).toEqual([]);
    }
    await expectUnchanged(site.dir, before.main, route.name);
    await expectUnchanged(fresh.dir, before.fresh, route.name);
    expect(await query(site.dir, "SELECT key, state, pid, restarts FROM instance_records ORDER BY key"), route.name).toEqual(before.instances);
  });

  test("a refused request says so in the visitor's language", async () => {
    const route = routes.find((r) => r.name === "POST /access-request")!;
    const response = await send(route, ["Origin: http://evil.example", "Accept-Language: ko"]);
    expect(response.status).toBe(403);
    expect(response.body).toContain("다른 사이트에서 온 요청이라 거부했습니다.");
  });

  // A DNS-rebinding page sends Host and Origin both as the attacker's name, which would pass a
  // comparison of the two; the host check refuses the name first.
  test("a page on a rebinding domain (Host and Origin both the attacker's) is refused", async () => {
    const before = await snapshot(site.dir, ["access_requests", "audit_log"]);
    const response = await raw(
      site,
      NEWCOMER,
      "POST",
      "/access-request",
      [`Host: attacker.example:${site.port}`, `Origin: http://attacker.example:${site.port}`, "Content-Type: application/x-www-form-urlencoded"],
      "name=Rebound&reason=dns",
    );
    await expectUnchanged(site.dir, before, "the rebinding page");
    expectRefused(response, "rebinding", [421]);
  });

  // Any name under .localhost once passed the host check, so a rebinding page could use one.
  test("a page on some name under .localhost is refused the same way", async () => {
    const before = await snapshot(site.dir, ["access_requests", "audit_log"]);
    for (const name of ["attacker.localhost", "a.b.localhost"]) {
      const response = await raw(
        site,
        NEWCOMER,
        "POST",
        "/access-request",
        [`Host: ${name}:${site.port}`, `Origin: http://${name}:${site.port}`, "Content-Type: application/x-www-form-urlencoded"],
        "name=Rebound&reason=dns",
      );
      expectRefused(response, name, [421]);
    }
    await expectUnchanged(site.dir, before, "the .localhost page");
  });
});

describe("the same requests from the gateway's own pages work (positive control)", () => {
  const origin = () => [`Origin: ${site.url}`];

  test("admin approve creates the user from the request", async () => {
    const response = await send(routes.find((r) => r.name === "POST admin approve")!, origin(), { userName: "stranger1", role: "user" });
    expect(response.status).toBe(303);
    expect(await query(site.dir, "SELECT status FROM access_requests WHERE id = ?", [requestId])).toEqual([{ status: "approved" }]);
    expect(await query(site.dir, "SELECT u.name, r.rule FROM users u JOIN user_ip_rules r ON r.user_id = u.id WHERE u.name = 'stranger1'")).toEqual([
      { name: "stranger1", rule: ADDR.stranger },
    ]);
  });

  test("access request, then admin reject — with only a same-origin Referer", async () => {
    const request = routes.find((r) => r.name === "POST /access-request")!;
    const filed = await send({ ...request, address: ADDR.outsider }, [`Referer: ${site.url}/`]);
    expect(filed.status).toBe(403); // the denied page, now saying the request was sent
    expect(filed.body).toContain('id="request-sent"');
    const [row] = await query(site.dir, "SELECT id FROM access_requests WHERE address = ? AND status = 'pending'", [ADDR.outsider]);
    expect(row).toBeDefined();
    requestId = Number(row!.id);
    const rejected = await send(routes.find((r) => r.name === "POST admin reject")!, [`Referer: ${site.url}/admin`]);
    expect(rejected.status).toBe(303);
    expect(await query(site.dir, "SELECT status, decided_by FROM access_requests WHERE id = ?", [requestId])).toEqual([
      { status: "rejected", decided_by: "boss" },
    ]);
  });

  test("admin instance stop, start and restart move alice's instance", async () => {
    const act = (action: string) => send(routes.find((r) => r.name === `POST admin instance ${action}`)!, origin());
    const running = await instanceOf(site.dir, "alice");
    expect((await act("stop")).status).toBe(303);
    await waitFor("alice's instance to stop", async () => (await instanceOf(site.dir, "alice")).state === "stopped");
    expect((await act("start")).status).toBe(303);
    const started = await waitFor("alice's instance to run", async () => {
      const now = await instanceOf(site.dir, "alice");
      return now.state === "running" && now.pid !== running.pid ? now : undefined;
    });
    expect((await act("restart")).status).toBe(303);
    await waitFor("a new process after the restart", async () => {
      const now = await instanceOf(site.dir, "alice");
      return now.state === "running" && now.pid !== started.pid;
    });
    const actions = (await query(site.dir, "SELECT action FROM audit_log WHERE action LIKE 'instance.%' ORDER BY id")).map((r) => r.action);
    expect(actions).toEqual(["instance.stop", "instance.start", "instance.restart"]);
  });

  test("the relayed upload and the retry button reach alice's app", async () => {
    const upload = await send(routes.find((r) => r.name.startsWith("POST /app/_diag/upload"))!, origin());
    expect(upload.status).toBe(200);
    expect(JSON.parse(upload.body)).toMatchObject({ bytes: "data=x".length });
    const retry = await send(routes.find((r) => r.name === "POST /app/_retry")!, origin());
    expect(retry.status).toBe(303);
    expect(retry.headers.location).toBe("/app/");
  });

  test("admin revoke ends alice's session; a new one starts from her address", async () => {
    const response = await send(routes.find((r) => r.name === "POST admin revoke")!, origin());
    expect(response.status).toBe(303);
    expect(await query(site.dir, "SELECT end_reason FROM sessions WHERE id = ?", [aliceSessionId])).toEqual([{ end_reason: "revoked" }]);
    alice.cookies.clear();
    await arrive(alice);
  });

  test("logout ends the session", async () => {
    const [open] = await query(site.dir, "SELECT id FROM sessions WHERE address = ? AND ended_at IS NULL", [ADDR.alice]);
    const response = await send(routes.find((r) => r.name === "POST /logout")!, origin());
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/signed-out");
    expect(await query(site.dir, "SELECT end_reason FROM sessions WHERE id = ?", [Number(open!.id)])).toEqual([{ end_reason: "logout" }]);
  });

  test("login signs carol in", async () => {
    const response = await send(routes.find((r) => r.name === "POST /login")!, origin());
    expect(response.status).toBe(303);
    expect(response.setCookies.some((c) => /^fgm_session=[A-Za-z0-9_-]{43};/.test(c))).toBe(true);
  });

  test("settings save and reset, user edit and passwords work from the console's own origin", async () => {
    const settingsRoute = routes.find((r) => r.name === "POST admin save settings")!;
    const saved = await send({ ...settingsRoute, form: { sessionIdleMinutes: "45" } }, origin());
    expect(saved.status).toBe(303);
    expect(await query(site.dir, "SELECT key, value, updated_by FROM settings")).toEqual([{ key: "sessionIdleMinutes", value: '"45"', updated_by: "boss" }]);
    expect((await send(routes.find((r) => r.name === "POST admin reset a setting")!, origin())).status).toBe(303);
    expect(await query(site.dir, "SELECT key FROM settings")).toEqual([]);

    const edited = await send(routes.find((r) => r.name === "POST admin edit user")!, origin(), { role: "user" });
    expect(edited.status).toBe(303);
    expect(await query(site.dir, "SELECT display_name, role FROM users WHERE id = ?", [aliceId])).toEqual([{ display_name: "Forged", role: "user" }]);
    expect((await send(routes.find((r) => r.name === "POST admin set password")!, origin())).status).toBe(303);
    expect((await query(site.dir, "SELECT password_hash FROM users WHERE id = ?", [aliceId]))[0]!.password_hash).toStartWith("$argon2id$");
    expect((await send(routes.find((r) => r.name === "POST admin remove password")!, origin())).status).toBe(303);
    expect(await query(site.dir, "SELECT password_hash, require_password FROM users WHERE id = ?", [carolId])).toEqual([{ password_hash: null, require_password: 0 }]);
  });

  test("setup creates the first admin on the new server", async () => {
    const response = await send(routes.find((r) => r.name === "POST /setup")!, [`Origin: ${fresh.url}`]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/admin");
    expect(await query(fresh.dir, "SELECT name, role FROM users")).toEqual([{ name: "mallory", role: "admin" }]);
  });
});
