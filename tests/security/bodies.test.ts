// Oversized and malformed bodies on every form the gateway reads: a 413 for anything over 64 KB
// (however its size is announced), a 4xx for a body that is not the form the route expects, and
// in every case the database exactly as it was.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConnection } from "node:net";
import { startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { query } from "../helpers/database";
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
  rawRequest,
  rowsAddedSince,
  signIn,
  snapshot,
} from "./fixture";

const LIMIT = 64 * 1024;

let site: Site;
/** A server with no administrator yet, where /setup reads its form. */
let fresh: Site;
let boss: Visitor;
let alice: Visitor;
let requestId: number;
let aliceSessionId: number;
let aliceId: number;

interface Route {
  name: string;
  path: string;
  /** Who posts: their address and cookie. */
  from: () => { address: string; cookie?: string };
  site: () => Site;
}

const routes: Route[] = [
  { name: "/login", path: "/login", from: () => ({ address: ADDR.carol }), site: () => site },
  { name: "/logout", path: "/logout", from: () => ({ address: ADDR.alice, cookie: alice.cookieHeader() }), site: () => site },
  { name: "/setup (set up)", path: "/setup", from: () => ({ address: ADDR.boss }), site: () => site },
  { name: "/setup (first run)", path: "/setup", from: () => ({ address: ADDR.boss }), site: () => fresh },
  { name: "/access-request", path: "/access-request", from: () => ({ address: ADDR.stranger }), site: () => site },
  ...["approve", "reject"].map((action) => ({
    name: `admin access-request ${action}`,
    path: `/admin/access-requests/{request}/${action}`,
    from: () => ({ address: ADDR.boss, cookie: boss.cookieHeader() }),
    site: () => site,
  })),
  {
    name: "admin session revoke",
    path: "/admin/sessions/{session}/revoke",
    from: () => ({ address: ADDR.boss, cookie: boss.cookieHeader() }),
    site: () => site,
  },
  ...["start", "stop", "restart"].map((action) => ({
    name: `admin instance ${action}`,
    path: `/admin/instances/{alice}/${action}`,
    from: () => ({ address: ADDR.boss, cookie: boss.cookieHeader() }),
    site: () => site,
  })),
];

function pathOf(route: Route): string {
  return route.path
    .replace("{request}", String(requestId))
    .replace("{session}", String(aliceSessionId))
    .replace("{alice}", String(aliceId));
}

function post(route: Route, headerLines: string[], body: string | Uint8Array, contentLengthLie?: number) {
  const { address, cookie } = route.from();
  const target = route.site();
  const head = [
    `POST ${pathOf(route)} HTTP/1.1`,
    `Host: 127.0.0.1:${target.port}`,
    `Origin: ${target.url}`,
    ...(cookie ? [`Cookie: ${cookie}`] : []),
    ...headerLines,
    "Connection: close",
  ];
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  if (!headerLines.some((line) => /^transfer-encoding:/i.test(line))) head.push(`Content-Length: ${contentLengthLie ?? bytes.length}`);
  return rawRequest(target.port, address, Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), bytes]));
}

function chunked(body: string): string {
  const parts: string[] = [];
  for (let at = 0; at < body.length; at += 8192) {
    const piece = body.slice(at, at + 8192);
    parts.push(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
  }
  return `${parts.join("")}0\r\n\r\n`;
}

/** The state these routes could change, including instance states that the instance actions move. */
async function state(): Promise<{ main: Snapshot; fresh: Snapshot; instances: Record<string, unknown>[] }> {
  return {
    main: await snapshot(site.dir),
    fresh: await snapshot(fresh.dir, ["users", "user_ip_rules", "sessions", "audit_log"]),
    instances: await query(site.dir, "SELECT key, state, pid, restarts FROM instance_records ORDER BY key"),
  };
}

async function expectStateUnchanged(before: Awaited<ReturnType<typeof state>>, what: string) {
  await expectUnchanged(site.dir, before.main, what);
  await expectUnchanged(fresh.dir, before.fresh, what);
  expect(await query(site.dir, "SELECT key, state, pid, restarts FROM instance_records ORDER BY key"), `${what} moved an instance`).toEqual(
    before.instances,
  );
}

beforeAll(async () => {
  [site, fresh] = await Promise.all([openSite(), openSite({ setUp: false })]);
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  alice = await arrive(site.visitor(ADDR.alice));
  expect((await alice.get("/app/_health")).status).toBe(200);
  const filed = await site.visitor(ADDR.stranger).post("/access-request", { name: "Stranger", reason: "testing" });
  expect(filed.status).toBe(403); // the denied page again, now saying the request was sent
  const [request] = await query(site.dir, "SELECT id FROM access_requests WHERE status = 'pending'");
  requestId = Number(request!.id);
  const [session] = await query(site.dir, "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'alice'");
  aliceSessionId = Number(session!.id);
  const [user] = await query(site.dir, "SELECT id FROM users WHERE name = 'alice'");
  aliceId = Number(user!.id);
});
afterAll(async () => {
  await Promise.all([site?.close(), fresh?.close()]);
});

describe("bodies over 64 KB", () => {
  const big = `name=x&password=${"y".repeat(LIMIT)}&reason=${"z".repeat(1000)}`;

  test.each(routes.map((route) => [route.name, route] as const))("%s: announced by Content-Length → 413", async (_name, route) => {
    const before = await state();
    const response = await post(route, ["Content-Type: application/x-www-form-urlencoded"], big);
    expectRefused(response, route.name, [413]);
    expect(response.body).toContain("the form is too large");
    await expectStateUnchanged(before, route.name);
  });

  test.each(routes.map((route) => [route.name, route] as const))("%s: chunked, no length → 413", async (_name, route) => {
    const before = await state();
    const response = await post(route, ["Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"], chunked(big));
    expectRefused(response, route.name, [413]);
    await expectStateUnchanged(before, route.name);
  });

  test.each(routes.map((route) => [route.name, route] as const))(
    "%s: a 10 MB Content-Length with a short body → 413 at once, no waiting for the rest",
    async (_name, route) => {
      const before = await state();
      const response = await post(route, ["Content-Type: application/x-www-form-urlencoded"], "name=x", 10 * 1024 * 1024);
      expectRefused(response, route.name, [413]);
      await expectStateUnchanged(before, route.name);
    },
  );

  test("a multipart upload over the limit → 413", async () => {
    const before = await state();
    const boundary = "----5gfm-test-boundary";
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="name"',
      "",
      "Mallory",
      `--${boundary}`,
      'Content-Disposition: form-data; name="reason"; filename="big.bin"',
      "Content-Type: application/octet-stream",
      "",
      "r".repeat(LIMIT + 10),
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const response = await post(routes.find((r) => r.name === "/access-request")!, [`Content-Type: multipart/form-data; boundary=${boundary}`], body);
    expectRefused(response, "multipart", [413]);
    await expectStateUnchanged(before, "the multipart upload");
  });

  test("just under the limit is read (positive control: the limit is not simply 'any body')", async () => {
    const before = await snapshot(site.dir, ["access_requests"]);
    const response = await site.visitor(ADDR.outsider).post("/access-request", { name: "Under Limit", reason: "r".repeat(400) });
    expect(response.status).toBe(403); // the denied page, now with the request recorded
    expect(response.body).toContain('id="request-sent"');
    const added = await rowsAddedSince(site.dir, before, "access_requests");
    expect(added).toMatchObject([{ name: "Under Limit", address: ADDR.outsider, status: "pending" }]);
  });
});

describe("bodies that are not the expected form", () => {
  const accessRequest = () => routes.find((r) => r.name === "/access-request")!;

  test.each([
    ["JSON", "application/json", '{"name":"Mallory","reason":"json"}'],
    ["text/plain", "text/plain", "name=Mallory&reason=plain"],
    ["XML", "application/xml", "<request><name>Mallory</name></request>"],
    ["octet-stream", "application/octet-stream", "name=Mallory"],
    ["no content type", "", "name=Mallory"],
    ["broken percent-encoding without a name", "application/x-www-form-urlencoded", "%%%=%E0%A4%A&&&==&%ZZ"],
    ["binary bytes", "application/x-www-form-urlencoded", "\u00ff\u00fe\u0000\u0001=\u0002"],
    ["an array-style field", "application/x-www-form-urlencoded", "name[]=Mallory&name[x]=y"],
    ["ten thousand empty fields", "application/x-www-form-urlencoded", "a=&".repeat(10_000)],
    ["a name over 80 characters", "application/x-www-form-urlencoded", `name=${"M".repeat(81)}`],
    ["a reason over 500 characters", "application/x-www-form-urlencoded", `name=Mallory&reason=${"r".repeat(501)}`],
  ])("/access-request with %s → 400, nothing filed", async (_label, type, body) => {
    const before = await state();
    const response = await post(accessRequest(), type ? [`Content-Type: ${type}`] : [], body);
    expectRefused(response, _label, [400]);
    await expectStateUnchanged(before, _label);
  });

  test("/login with the right password as JSON does not sign in", async () => {
    const before = await snapshot(site.dir);
    const login = routes.find((r) => r.name === "/login")!;
    const response = await post(login, ["Content-Type: application/json"], JSON.stringify({ name: "carol", password: CAROL_PASSWORD, next: "/" }));
    expectRefused(response, "JSON login", [401]);
    expect(response.setCookies.some((c) => /^fgm_session=[^;]/.test(c))).toBe(false);
    // What "unchanged" means here: no session, no user change. The gateway counts the attempt as a
    // failed sign-in with an empty name (it read no name), which is recorded like any other failure.
    await expectUnchanged(site.dir, { users: before.users!, sessions: before.sessions!, user_ip_rules: before.user_ip_rules! }, "JSON login");
    const failures = await rowsAddedSince(site.dir, before, "login_failures");
    expect(failures.map((f) => f.name)).toEqual([""]);
  });

  test("/setup on a new server with a complete admin as JSON creates nobody", async () => {
    const setup = routes.find((r) => r.name === "/setup (first run)")!;
    const before = await snapshot(fresh.dir);
    const response = await post(
      setup,
      ["Content-Type: application/json"],
      JSON.stringify({ name: "mallory", password: "password-123", passwordAgain: "password-123", addresses: ADDR.boss }),
    );
    expectRefused(response, "JSON setup", [400]);
    await expectUnchanged(fresh.dir, before, "JSON setup");
  });

  test("an approval as JSON (htmx) answers with the error and creates nobody", async () => {
    const before = await state();
    const approve = routes.find((r) => r.name === "admin access-request approve")!;
    const response = await post(approve, ["Content-Type: application/json", "HX-Request: true"], JSON.stringify({ userName: "mallory", role: "admin" }));
    // htmx swaps only 2xx answers, so the console's fragment carries the error with 200 by design.
    expect(response.status).toBe(200);
    expect(response.body).toContain("a user name is 1–64 letters");
    await expectStateUnchanged(before, "JSON approval");
  });

  // BUG: without htmx (a plain form post, e.g. JavaScript off) every admin access-request action
  // answers 303 → /admin whatever happened, so a refused approval (bad user name, request already
  // decided, no such request) looks exactly like a success and the admin is never told why.
  test("an approval as JSON without htmx is refused with a 4xx that says why", async () => {
    const before = await state();
    const approve = routes.find((r) => r.name === "admin access-request approve")!;
    const response = await post(approve, ["Content-Type: application/json"], JSON.stringify({ userName: "mallory", role: "admin" }));
    await expectStateUnchanged(before, "JSON approval");
    expectRefused(response, "plain JSON approval", [400]);
    expect(response.body).toContain("a user name is 1–64 letters");
  });

  // BUG: Hono's parseBody hands a multipart body to Request.formData(), which throws on a malformed
  // body; nothing catches it, so the gateway answers 500 "Something went wrong" (and logs an error)
  // instead of a 400.
  test.each(
    [
      ["garbage after a declared boundary", "multipart/form-data; boundary=xyz", "this is not multipart"],
      ["no boundary parameter", "multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nM\r\n--x--\r\n"],
      ["an unterminated part", "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nMallory'],
    ].flatMap(([label, type, body]) =>
      ["/login", "/access-request", "/setup (first run)", "admin access-request approve"].map((name) => [`${name}, ${label}`, name, type, body]),
    ),
  )("malformed multipart (%s) → 400", async (_label, routeName, type, body) => {
    const before = await state();
    const response = await post(routes.find((r) => r.name === routeName)!, [`Content-Type: ${type}`], body!);
    await expectStateUnchanged(before, _label!);
    expectRefused(response, _label!, [400]);
  });
});

describe("the server keeps serving", () => {
  test("after all of the above, every route still works normally", async () => {
    expect((await raw(site, ADDR.stranger, "GET", "/healthz")).status).toBe(200);
    expect((await boss.get("/admin")).status).toBe(200);
    expect((await alice.get("/app/_health")).status).toBe(200);
  });
});

describe("slow clients", () => {
  test("a client that sends half a request and stalls is cut off, and the server keeps answering others", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const started = Date.now();
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: gateway.port }, () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\nX-Slow: `);
      });
      socket.on("close", () => resolve(Date.now() - started));
      socket.on("error", reject);
      socket.resume();
    });
    expect(closed).toBeLessThan(30_000);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  }, 45_000);
});
