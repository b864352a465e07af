// Path traversal: /static/* serves a fixed table of embedded assets, and /app/* reaches only the
// signed-in user's own instance, whatever the path says. Requests go over raw sockets so that
// nothing on the client side normalises "..", backslashes or NUL bytes first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instanceOf } from "../helpers/database";
import { ADDR, BOSS_PASSWORD, type Site, arrive, expectRefused, expectUnchanged, openSite, raw, signIn, snapshot } from "./fixture";

/** Text that only appears if a file outside the asset table was served. */
const LEAKS = ['"devDependencies"', '"name": "5gfm"', "root:x:0:0", "compilerOptions", "[test]"];

function expectNoLeak(body: string, label: string) {
  for (const marker of LEAKS) expect(body.includes(marker), `${label} served a file (${marker})`).toBe(false);
}

let site: Site;
let aliceCookie: string;
let bobPort: number;
let bossCookie: string;

beforeAll(async () => {
  site = await openSite();
  const alice = await arrive(site.visitor(ADDR.alice));
  const bob = await arrive(site.visitor(ADDR.bob));
  // Both instances running, so bob's port is a real target an attack could aim at.
  expect((await alice.get("/app/_health")).status).toBe(200);
  expect((await bob.get("/app/_health")).status).toBe(200);
  aliceCookie = alice.cookieHeader();
  bobPort = (await instanceOf(site.dir, "bob")).port;
  bossCookie = (await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD)).cookieHeader();
});
afterAll(async () => {
  await site.close();
});

describe("/static/*", () => {
  test("a listed asset is served (positive control)", async () => {
    const css = await raw(site, ADDR.stranger, "GET", "/static/app.css");
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toStartWith("text/css");
  });

  test.each([
    "/static/../package.json",
    "/static/../../package.json",
    "/static/..%2fpackage.json",
    "/static/..%2f..%2fpackage.json",
    "/static/%2e%2e/package.json",
    "/static/%2e%2e%2fpackage.json",
    "/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/static/..%5cpackage.json",
    "/static/..\\..\\package.json",
    "/static/%5c..%5c..%5cpackage.json",
    "/static/%252e%252e%252fpackage.json",
    "/static/%25%32%65%25%32%65/package.json",
    "/static/app.css%00",
    "/static/app.css%00.js",
    "/static/..%00/package.json",
    "/static/%c0%ae%c0%ae/package.json",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/C:%5cWindows%5cwin.ini",
    "/static/./app.css/../../tsconfig.json",
    "/static/app.css/..%2f..%2fbunfig.toml",
  ])("%s is not served", async (target) => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.stranger, "GET", target);
    expectNoLeak(response.body, target);
    // Dot segments Bun resolves before routing may land on another route (the denied page at /…);
    // whatever answers, it is a refusal and never the file.
    expectRefused(response, target);
    await expectUnchanged(site.dir, before, target);
  });

  test("a raw NUL byte in the path is refused by the HTTP parser, not served", async () => {
    const response = await raw(site, ADDR.stranger, "GET", "/static/app.css\u0000../../package.json");
    expectNoLeak(response.body, "NUL");
    // Bun's parser answers a NUL in the request line with 400 or 505 (its own choice), never the file.
    expect([400, 505]).toContain(response.status);
  });

  // BUG: the asset table is a plain object, so names inherited from Object.prototype are "found":
  // ASSETS["constructor"] is a function, its .path is undefined and Bun.file(undefined) throws → 500.
  test.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"])(
    "/static/%s is a plain 404, not a 500",
    async (name) => {
      const response = await raw(site, ADDR.stranger, "GET", `/static/${name}`);
      expect(response.status).toBe(404);
    },
  );
});

describe("/app/*", () => {
  const targets = () => [
    "/app/../../package.json",
    "/app/%2e%2e/%2e%2e/package.json",
    "/app/..%2f..%2fpackage.json",
    "/app/..%5c..%5cpackage.json",
    "/app/..\\..\\package.json",
    "/app/%252e%252e%252fpackage.json",
    "/app/_health%00",
    "/app/_health%00.css",
    "/app/%2e%2e%2fapp%2f_health",
    `http://127.0.0.1:${bobPort}/app/_health`,
    `//127.0.0.1:${bobPort}/app/_health`,
    `/app/@127.0.0.1:${bobPort}/app/_health`,
    `/app//127.0.0.1:${bobPort}/app/_health`,
    `/app/http://127.0.0.1:${bobPort}/app/_health`,
    `/app/%2F%2F127.0.0.1:${bobPort}%2Fapp%2F_health`,
    `/app/_health?port=${bobPort}&user=bob&target=http://127.0.0.1:${bobPort}/`,
    `/app/_health#@127.0.0.1:${bobPort}`,
  ];

  test("no path reaches another file or another user's instance", async () => {
    const before = await snapshot(site.dir);
    for (const target of targets()) {
      const response = await raw(site, ADDR.alice, "GET", target, [`Cookie: ${aliceCookie}`, "Accept: application/json"]);
      expectNoLeak(response.body, target);
      expect(response.body.includes('"user":"bob"'), `${target} reached bob's instance`).toBe(false);
      if (response.status === 200) expect(JSON.parse(response.body).user, target).toBe("alice");
      else expectRefused(response, target);
    }
    await expectUnchanged(site.dir, before, "the traversal attempts");
  });

  test("the instance's claim endpoint is not reachable through the gateway", async () => {
    const before = await snapshot(site.dir);
    const response = await raw(site, ADDR.alice, "POST", "/app/_claim", [
      `Cookie: ${aliceCookie}`,
      `Origin: ${site.url}`,
      "Content-Type: application/json",
    ], '{"user":"bob","role":"admin"}');
    expect(response.status).toBe(404);
    await expectUnchanged(site.dir, before, "the claim");
  });

  test("the diagnostics endpoints are closed without --diagnostics", async () => {
    for (const target of ["/app/_diag/download?bytes=16", "/app/_diag/upload"]) {
      const response = await raw(site, ADDR.alice, "GET", target, [`Cookie: ${aliceCookie}`]);
      expectRefused(response, target, [404]);
      expect(response.body).toContain("This page does not exist.");
    }
  });

  // BUG: GATEWAY_ONLY tests the raw (still percent-encoded) pathname, but the feature app's router
  // decodes it, so /app/%5Fclaim passes the gateway's filter and reaches the app's claim handler
  // (which then answers 409 "already assigned to a user" — harmless today only because the app
  // refuses a second claim).
  test.each(["/app/%5Fclaim", "/app/%5fclaim", "/app/_%63laim", "/app/%5F%63%6C%61%69%6D"])(
    "%s is stopped at the gateway like /app/_claim",
    async (target) => {
      const response = await raw(site, ADDR.alice, "POST", target, [
        `Cookie: ${aliceCookie}`,
        `Origin: ${site.url}`,
        "Content-Type: application/json",
      ], '{"user":"bob","role":"admin"}');
      expect(response.body).not.toContain("already assigned");
      expect(response.status).toBe(404);
    },
  );

  // BUG: the same for the diagnostics switch: DIAGNOSTICS tests the raw pathname, so with
  // --diagnostics off /app/%5Fdiag/download?bytes=N still reaches the app's diagnostics routes
  // (up to 1 GiB generated and streamed per request) — the switch is bypassed by encoding one letter.
  test.each(["/app/%5Fdiag/download?bytes=16", "/app/_%64iag/download?bytes=16", "/app/%5Fdiag/upload"])(
    "%s is closed like /app/_diag/* without --diagnostics",
    async (target) => {
      const method = target.includes("upload") ? "POST" : "GET";
      const response = await raw(site, ADDR.alice, method, target, [`Cookie: ${aliceCookie}`, `Origin: ${site.url}`], method === "POST" ? "x" : "");
      expect(response.headers["x-content-sha256"]).toBeUndefined();
      expect(response.body).not.toContain('"sha256"');
      expectRefused(response, target, [404]);
    },
  );
});

describe("the admin console's CSV downloads", () => {
  test("a listed table downloads; other names, dot segments and encodings do not (positive control included)", async () => {
    const ok = await raw(site, ADDR.boss, "GET", "/admin/statistics/unique.csv", [`Cookie: ${bossCookie}`]);
    expect(ok.status).toBe(200);
    expect(ok.body).toStartWith("\uFEFFday,users,visits");
    for (const target of [
      "/admin/statistics/../../package.json",
      "/admin/statistics/..%2f..%2fpackage.json",
      "/admin/statistics/%2e%2e%2fpackage.csv",
      "/admin/statistics/unique.csv%00",
      "/admin/statistics/unique.csv/..%2f..%2f5gfm.db",
      "/admin/statistics/..%5c5gfm.db.csv",
      "/admin/statistics/5gfm.db.csv",
      "/admin/statistics/audit-log.csv",
    ]) {
      const response = await raw(site, ADDR.boss, "GET", target, [`Cookie: ${bossCookie}`]);
      expectNoLeak(response.body, target);
      expect(response.body.startsWith("SQLite format"), target).toBe(false);
      expectRefused(response, target);
    }
  });

  // BUG (minor, admin only): the table name is looked up with `table in CSV_TABLES` on a plain
  // object, so the inherited name "constructor" (the only all-lowercase one the route's pattern
  // admits) is "found": Object(statistics, range) runs and the download is "[object Object]".
  test("/admin/statistics/constructor.csv is a 404", async () => {
    const response = await raw(site, ADDR.boss, "GET", "/admin/statistics/constructor.csv", [`Cookie: ${bossCookie}`]);
    expect(response.body).not.toContain("[object Object]");
    expectRefused(response, "constructor.csv", [404]);
  });
});
