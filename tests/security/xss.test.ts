// Cross-site scripting: every text a person can put into the system (display names, access-request
// name and reason, the sign-in and setup forms' echoed values, the page to return to) comes back
// only escaped — in the admin console, the denied page, the sign-in page, the setup page and the
// feature app's page — and nothing user-supplied ever becomes a javascript: link or a redirect
// to another site.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { query } from "../helpers/database";
import type { FromResponse, Visitor } from "../helpers/http-from";
import { ADDR, BOSS_PASSWORD, CAROL_PASSWORD, type Site, arrive, escapeHtml, openSite, raw, signIn } from "./fixture";

const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';
const QUOTE = "' onmouseover='x";
const TEXTAREA = "</textarea><script>alert(2)</script>";
const JS_URL = "javascript:alert(1)";
const RTL = "\u202Eexe.txt\u202C";
const PAYLOADS = [SCRIPT, IMG, QUOTE, TEXTAREA];
const DAVE = "127.0.0.6";
const ERIN = "127.0.0.10";

let site: Site;
let fresh: Site;
let boss: Visitor;

/** The payload appears, and only in its escaped form. */
function expectOnlyEscaped(body: string, payload: string, where: string) {
  expect(body.includes(payload), `${where}: ${JSON.stringify(payload)} appears unescaped`).toBe(false);
  expect(body.includes(escapeHtml(payload)), `${where}: ${JSON.stringify(payload)} does not appear (escaped) at all`).toBe(true);
}

/** Nothing that runs script, whatever the page. */
function expectNoActiveContent(response: Pick<FromResponse, "body" | "headers"> | { body: string; headers: Record<string, string> }, where: string) {
  const { body } = response;
  for (const marker of ["<script>alert", "<img src=x", "' onmouseover='", '"><img src=x', "</textarea><script", 'href="javascript:', "href='javascript:", 'src="javascript:', 'action="javascript:']) {
    expect(body.toLowerCase().includes(marker), `${where}: contains ${marker}`).toBe(false);
  }
  // Every inline-looking <script is an external file of our own.
  for (const tag of body.match(/<script\b[^>]*>/gi) ?? []) expect(tag, `${where}: a script that is not one of ours`).toMatch(/\ssrc="\/static\/[\w.-]+\?v=[^"]*"/);
  const csp = String(response.headers["content-security-policy"] ?? "");
  expect(csp, `${where}: no CSP`).toContain("script-src 'self'");
}

beforeAll(async () => {
  [site, fresh] = await Promise.all([
    openSite({
      cast: {
        displayNames: { boss: SCRIPT, alice: IMG, bob: QUOTE, carol: TEXTAREA },
        extraUsers: [
          { args: ["user", "add", "dave", "--role", "user", "--ip", DAVE, "--display-name", JS_URL] },
          { args: ["user", "add", "erin", "--role", "user", "--ip", ERIN, "--display-name", RTL] },
        ],
      },
    }),
    openSite({ setUp: false }),
  ]);
  boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
});
afterAll(async () => {
  await Promise.all([site?.close(), fresh?.close()]);
});

describe("display names", () => {
  test("the CLI stored them verbatim (the escaping happens at output, not by mangling input)", async () => {
    const rows = await query(site.dir, "SELECT name, display_name FROM users ORDER BY id");
    expect(Object.fromEntries(rows.map((r) => [r.name, r.display_name]))).toEqual({
      boss: SCRIPT,
      alice: IMG,
      bob: QUOTE,
      carol: TEXTAREA,
      dave: JS_URL,
      erin: RTL,
    });
  });

  test("the admin console's users list shows every one escaped", async () => {
    const access = await boss.get("/admin/access");
    expect(access.status).toBe(200);
    for (const payload of PAYLOADS) expectOnlyEscaped(access.body, payload, "users list");
    expect(access.body).toContain(`Signed in as ${escapeHtml(SCRIPT)}`);
    expect(access.body).toContain(`<span class="muted"> (${JS_URL})</span>`);
    expect(access.body).toContain(RTL);
    expectNoActiveContent(access, "users list");
  });

  test("every other console page shows the admin's own name escaped", async () => {
    for (const path of ["/admin", "/admin/sessions", "/admin/statistics", "/admin/audit", "/admin/instances/1/log"]) {
      const page = await boss.get(path);
      expect(page.status, path).toBe(200);
      expectOnlyEscaped(page.body, SCRIPT, path);
      expectNoActiveContent(page, path);
    }
    const range = await boss.get(`/admin/statistics?from=${encodeURIComponent(IMG)}&to=${encodeURIComponent(TEXTAREA)}`);
    expect(range.status).toBe(200);
    expect(range.body.includes(IMG)).toBe(false);
    expect(range.body.includes(TEXTAREA)).toBe(false);
    expectNoActiveContent(range, "statistics with a hostile range");
  });

  test("each user's edit page, and a refused edit, show hostile names escaped", async () => {
    const users = await query(site.dir, "SELECT id, display_name FROM users ORDER BY id");
    const ids = users.map((r) => Number(r.id));
    for (const user of users) {
      const page = await boss.get(`/admin/users/${user.id}`);
      expect(page.status, `user ${user.id}`).toBe(200);
      // Their own name in the form, and the admin's in the header.
      for (const payload of new Set([String(user.display_name), SCRIPT])) {
        if (PAYLOADS.includes(payload)) expectOnlyEscaped(page.body, payload, `user ${user.id}`);
      }
      expectNoActiveContent(page, `user ${user.id}`);
    }
    const refused = await boss.post(`/admin/users/${ids[1]}/edit`, { displayName: TEXTAREA, role: "user", addresses: `${IMG}\n${SCRIPT}` });
    expect(refused.body).toContain('id="field-addresses-error"');
    for (const payload of [TEXTAREA, IMG, SCRIPT]) expectOnlyEscaped(refused.body, payload, "refused user edit");
    expectNoActiveContent(refused, "refused user edit");
  });

  test("the settings page echoes hostile values escaped and saves none of them", async () => {
    const refused = await boss.post("/admin/settings", { alertWebhookUrl: SCRIPT, trustedProxies: TEXTAREA, adminPath: IMG, host: QUOTE });
    expect(refused.body).toContain("Nothing was saved.");
    for (const payload of PAYLOADS) expectOnlyEscaped(refused.body, payload, "refused settings");
    expectNoActiveContent(refused, "refused settings");
    expect(await query(site.dir, "SELECT key FROM settings")).toEqual([]);
  });

  test.each([
    ["alice", ADDR.alice, IMG],
    ["bob", ADDR.bob, QUOTE],
    ["dave", DAVE, JS_URL],
    ["erin", ERIN, RTL],
  ])("%s's feature-app page and gateway pages show the name escaped", async (_name, address, payload) => {
    const visitor = await arrive(site.visitor(address));
    const app = await visitor.get("/app/", { accept: "text/html" });
    expect(app.status).toBe(200);
    expect(app.body).toContain(`<span id="signed-in-as">Signed in as ${escapeHtml(payload)}</span>`);
    if (payload !== JS_URL && payload !== RTL) expectOnlyEscaped(app.body, payload, `${_name}'s /app/`);
    expectNoActiveContent(app, `${_name}'s /app/`);
    const notFound = await visitor.get("/no-such-page");
    expect(notFound.status).toBe(404);
    expect(notFound.body).toContain(`Signed in as ${escapeHtml(payload)}`);
    expectNoActiveContent(notFound, `${_name}'s 404 page`);
  });
});

describe("access requests", () => {
  const name = `${SCRIPT}${IMG}`.slice(0, 80);
  const reason = `${TEXTAREA} ${QUOTE} ${JS_URL} ${RTL}`;

  test("the denied page, its htmx fragment and the reload show name and reason escaped", async () => {
    const stranger = site.visitor(ADDR.stranger);
    const sent = await stranger.post("/access-request", { name, reason });
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('id="request-sent"');
    for (const [where, page] of [
      ["the answer", sent],
      ["the htmx fragment", await stranger.post("/access-request", { name, reason }, { "hx-request": "true" })],
      ["the reloaded page", await stranger.get("/")],
    ] as const) {
      expectOnlyEscaped(page.body, name, where);
      expectOnlyEscaped(page.body, TEXTAREA, where);
      expectOnlyEscaped(page.body, QUOTE, where);
      expect(page.body, where).toContain(`<textarea id="field-reason" name="reason" rows="3" maxlength="500">${escapeHtml(reason)}</textarea>`);
      expect(page.body, where).toContain(`value="${escapeHtml(name)}"`);
    }
  });

  test("a refused request echoes what was typed, escaped", async () => {
    const tooLong = `${SCRIPT}${"x".repeat(90)}`;
    const refused = await site.visitor(ADDR.outsider).post("/access-request", { name: tooLong, reason: TEXTAREA });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("a name may have at most 80 characters");
    expectOnlyEscaped(refused.body, tooLong, "refused request");
    expectOnlyEscaped(refused.body, TEXTAREA, "refused request");
    expectNoActiveContent(refused, "refused request");
  });

  test("the console lists the request escaped, with a sanitised user-name suggestion", async () => {
    const console = await boss.get("/admin/access");
    expectOnlyEscaped(console.body, name, "console requests");
    expectOnlyEscaped(console.body, TEXTAREA, "console requests");
    const suggestion = /<input form="approve-\d+" name="userName" value="([^"]*)"/.exec(console.body)?.[1];
    expect(suggestion).toMatch(/^[a-z0-9._-]*$/);
    expectNoActiveContent(console, "console requests");
  });

  test("approving with a hostile user name shows the refusal escaped; approving properly shows the new user escaped", async () => {
    const id = (await query(site.dir, "SELECT id FROM access_requests WHERE address = ?", [ADDR.stranger]))[0]!.id;
    const hostile = await boss.post(`/admin/access-requests/${id}/approve`, { userName: IMG, role: "user" }, { "hx-request": "true" });
    expect(hostile.status).toBe(200);
    expect(hostile.body).toContain("a user name is 1–64 letters");
    expect(hostile.body.includes(IMG)).toBe(false);
    const taken = await boss.post(`/admin/access-requests/${id}/approve`, { userName: "ALICE", role: "user" }, { "hx-request": "true" });
    expect(taken.body).toContain("already exists");
    const approved = await boss.post(`/admin/access-requests/${id}/approve`, { userName: "stranger", role: "user" }, { "hx-request": "true" });
    expect(approved.status).toBe(200);
    expect(approved.body).toContain("stranger can now sign in from 127.0.0.3");
    // The new user's display name is the request's name: the out-of-band users table shows it escaped.
    expectOnlyEscaped(approved.body, name, "approval answer");
    expectNoActiveContent({ body: approved.body, headers: approved.headers }, "approval answer");
    const app = await (await arrive(site.visitor(ADDR.stranger))).get("/app/", { accept: "text/html" });
    expect(app.body).toContain(`Signed in as ${escapeHtml(name)}`);
    expectOnlyEscaped(app.body, name, "the approved user's app");
  });
});

describe("the sign-in page", () => {
  test("the name and next in the query come back escaped (or, for next, dropped); a javascript: next becomes /", async () => {
    for (const payload of PAYLOADS) {
      const page = await site.visitor(ADDR.carol).get(`/login?name=${encodeURIComponent(payload)}&next=${encodeURIComponent(`/${payload}`)}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain(`name="name" type="text" value="${escapeHtml(payload)}"`);
      const next = /<input type="hidden" name="next" value="([^"]*)"\/>/.exec(page.body)?.[1];
      expect([escapeHtml(`/${payload}`), "/"]).toContain(next!);
      expect(page.body.includes(payload)).toBe(false);
      expectNoActiveContent(page, "login page");
    }
    const js = await site.visitor(ADDR.carol).get(`/login?next=${encodeURIComponent(JS_URL)}`);
    expect(js.body).toContain('<input type="hidden" name="next" value="/"/>');
  });

  test("a failed sign-in echoes the typed name escaped", async () => {
    const failed = await site.visitor("127.0.0.11").post("/login", { name: `${IMG}`.slice(0, 64), password: "wrong-password", next: `/${SCRIPT}` });
    expect(failed.status).toBe(401);
    expectOnlyEscaped(failed.body, IMG, "failed sign-in");
    expect(failed.body.includes(SCRIPT)).toBe(false);
    expectNoActiveContent(failed, "failed sign-in");
  });

  test.each([JS_URL, "//evil.example/", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "http:evil.example", " //evil.example"])(
    "next=%p after a correct password stays on this server",
    async (next) => {
      const carol = site.visitor(ADDR.carol);
      const response = await carol.post("/login", { name: "carol", password: CAROL_PASSWORD, next });
      expect(response.status).toBe(303);
      expect(new URL(response.location!, site.url).origin).toBe(site.url);
    },
  );

  // Browsers drop tabs and newlines from URLs, so "/<TAB>/evil.example" is "//evil.example" to them:
  // an open redirect after sign-in, and from GET /login for anyone who already has a session.
  test("next=/<TAB>/evil.example does not send the browser to evil.example", async () => {
    const carol = site.visitor(ADDR.carol);
    const afterSignIn = await carol.post("/login", { name: "carol", password: CAROL_PASSWORD, next: "/\t/evil.example" });
    expect(afterSignIn.status).toBe(303);
    const signedIn = await carol.get("/login?next=/%09/evil.example");
    expect(signedIn.status).toBe(303);
    // What a browser does with the Location header.
    expect(new URL(afterSignIn.location!, site.url).origin, "after sign-in").toBe(site.url);
    expect(new URL(signedIn.location!, site.url).origin, "already signed in").toBe(site.url);
  });

  // A CR or LF in next must not reach the Location header (which would throw: a 500 after the
  // session row was written, its cookie never delivered).
  test("next containing CR/LF is refused or ignored, never a 500 or an orphaned session", async () => {
    const sessionsBefore = (await query(site.dir, "SELECT id FROM sessions")).length;
    const carol = site.visitor(ADDR.carol);
    const posted = await carol.post("/login", { name: "carol", password: CAROL_PASSWORD, next: "/\r\nX-Injected: 1" });
    expect(posted.status).not.toBe(500);
    expect(posted.headers["x-injected"]).toBeUndefined();
    const sessionsAfter = (await query(site.dir, "SELECT id FROM sessions")).length;
    if (sessionsAfter > sessionsBefore) expect(carol.cookies.has("fgm_session"), "a session was created but its cookie never sent").toBe(true);
    const signedIn = await boss.get("/login?next=/%0d%0aX-Injected:%201");
    expect(signedIn.status).not.toBe(500);
    expect(signedIn.headers["x-injected"]).toBeUndefined();
  });
});

describe("the audit trail", () => {
  test("names typed into the sign-in form are shown escaped in the audit trail, and its filter echoes escaped", async () => {
    const typist = site.visitor("127.0.0.13");
    for (const name of [SCRIPT, TEXTAREA, QUOTE]) {
      expect((await typist.post("/login", { name, password: "wrong-password", next: "/" })).status).toBe(401);
    }
    const audit = await boss.get("/admin/audit?action=login.failed");
    expect(audit.status).toBe(200);
    for (const payload of [SCRIPT, TEXTAREA, QUOTE]) expectOnlyEscaped(audit.body, payload, "audit trail");
    expectNoActiveContent(audit, "audit trail");
    const filtered = await boss.get(`/admin/audit?actor=${encodeURIComponent(IMG)}&action=${encodeURIComponent(QUOTE)}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toContain(`value="${escapeHtml(IMG)}"`);
    expectOnlyEscaped(filtered.body, QUOTE, "audit filter");
    expectNoActiveContent(filtered, "audit filter");
  });
});

describe("the setup page", () => {
  test("a refused setup echoes name, display name and addresses escaped", async () => {
    const local = fresh.visitor(ADDR.boss);
    const response = await local.post("/setup", {
      name: IMG,
      displayName: SCRIPT,
      password: "password-123",
      passwordAgain: "password-456",
      addresses: `${ADDR.boss}\n${TEXTAREA}\n${QUOTE}`,
    });
    expect(response.status).toBe(400);
    expect(response.body).toContain("The two passwords differ.");
    for (const payload of [IMG, SCRIPT, TEXTAREA, QUOTE]) expectOnlyEscaped(response.body, payload, "setup page");
    expect(response.body).toContain(`value="${escapeHtml(IMG)}"`);
    expect(response.body).toContain(`>${escapeHtml(`${ADDR.boss}\n${TEXTAREA}\n${QUOTE}`)}</textarea>`);
    expectNoActiveContent(response, "setup page");
    const invalid = await local.post("/setup", { name: SCRIPT, password: "password-123", passwordAgain: "password-123", addresses: ADDR.boss });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain("a user name is 1–64 letters");
    expectOnlyEscaped(invalid.body, SCRIPT, "setup with a hostile name");
    expect(await query(fresh.dir, "SELECT id FROM users")).toEqual([]);
  });

  test("the setup page's own address list is not a place to inject either (positive control: a valid setup works)", async () => {
    const local = fresh.visitor(ADDR.boss);
    const created = await local.post("/setup", { name: "root", displayName: SCRIPT, password: "password-123", passwordAgain: "password-123", addresses: ADDR.boss });
    expect(created.status).toBe(303);
    const console = await local.get("/admin");
    expect(console.body).toContain(`Signed in as ${escapeHtml(SCRIPT)}`);
    expectOnlyEscaped(console.body, SCRIPT, "new admin's console");
    expectNoActiveContent(console, "new admin's console");
  });
});

describe("raw pages", () => {
  test("the denied page for a hostile language switch and path stays inert", async () => {
    const response = await raw(site, "127.0.0.12", "GET", `/?lang=${encodeURIComponent(SCRIPT)}&x=${encodeURIComponent(IMG)}`, ["Accept: text/html"]);
    expect(response.status).toBe(403);
    expectNoActiveContent(response, "denied page with hostile query");
    expect(response.body.includes(IMG)).toBe(false);
  });
});
