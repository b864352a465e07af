// The identity memo (identity-cache.ts) is emptied only by a successful state-changing request of
// someone signed in. Today's flood that emptied it — any non-GET to any path, even a 404 from an
// unregistered address — rechecked every open WebSocket each time and took other users' p99 from
// 8 ms to 290 ms at 1,000 sockets. Real session and user stores over a real SQLite file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { SessionStore } from "../../src/auth/session-store";
import { type OpenedDatabase, openDatabase } from "../../src/db/open";
import type { GatewayEnv, GatewayServices } from "../../src/gateway/context";
import { IdentityCache } from "../../src/gateway/identity-cache";
import { SESSION_COOKIE, sessionMiddleware } from "../../src/gateway/identity";
import { UserStore } from "../../src/users/user-store";
import { tempDir } from "../helpers/temp-dir";

const dir = tempDir("5gfm-memo-");
let database: OpenedDatabase;
let cookie: string;
let clears = 0;

function gateway() {
  const cache = new IdentityCache();
  cache.onClear = () => clears++;
  const services = {
    sessions: new SessionStore(database.db, { idleMs: 3_600_000, maxMs: 3_600_000 }),
    users: new UserStore(database.db),
  } as unknown as GatewayServices;
  const app = new Hono<GatewayEnv>();
  app.use(async (c, next) => {
    c.set("clientAddressText", c.req.header("x-test-peer") ?? "10.0.0.1");
    c.set("services", services);
    await next();
  });
  app.use(sessionMiddleware(cache));
  app.post("/changed", (c) => c.text("done"));
  app.post("/refused", (c) => c.text("no", 403));
  return app;
}

beforeAll(async () => {
  database = await openDatabase({ dataDir: dir.path });
  const actor = { name: "cli", address: "cli" };
  const alice = await new UserStore(database.db).add({ name: "alice", role: "user", ips: ["10.0.0.1"] }, actor);
  const sessions = new SessionStore(database.db, { idleMs: 3_600_000, maxMs: 3_600_000 });
  const { token } = await sessions.create(alice.id, "10.0.0.1", "test", "address", actor);
  cookie = `${SESSION_COOKIE}=${token}`;
});
afterAll(() => {
  database.close();
  dir[Symbol.dispose]();
});

describe("what empties the identity memo", () => {
  test.each([
    ["a DELETE to a path that does not exist, from an unregistered address", "DELETE", "/x", {}],
    ["a POST without a session", "POST", "/changed", {}],
    ["a POST with a session cookie used from another address", "POST", "/changed", { "x-test-peer": "10.0.0.9", cookie: "" }],
    ["a signed-in DELETE that finds nothing (404)", "DELETE", "/x", { cookie: "" }],
    ["a signed-in POST that is refused (403)", "POST", "/refused", { cookie: "" }],
  ] as const)("not %s", async (_label, method, path, headers) => {
    const app = gateway();
    const sent: Record<string, string> = { ...headers };
    if ("cookie" in sent) sent.cookie = cookie;
    clears = 0;
    for (let i = 0; i < 20; i++) await app.request(path, { method, headers: sent });
    expect(clears).toBe(0);
  });

  test("a signed-in request that changed something does", async () => {
    const app = gateway();
    clears = 0;
    const response = await app.request("/changed", { method: "POST", headers: { cookie } });
    expect(response.status).toBe(200);
    expect(clears).toBe(1);
  });
});
