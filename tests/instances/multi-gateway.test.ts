// Two real gateway processes, each with its own data folder, on one shared SQLite file
// (`--database-url file:…`, real WAL across processes): what a second gateway on the same
// database must leave alone, and what the two share.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { isAlive, query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const USERS: [string, string][] = [
  ["alice", "127.0.0.2"],
  ["bob", "127.0.0.3"],
  ["carol", "127.0.0.4"],
  ["dave", "127.0.0.5"],
  ["erin", "127.0.0.6"],
  ["frank", "127.0.0.7"],
];

describe("two gateways, one database", () => {
  // Removed in afterAll: a `using` here would end with the describe callback, before the tests run.
  const [shared, dataA, dataB] = [tempDir(), tempDir(), tempDir()];
  const databaseUrl = `file:${join(shared.path, "5gfm.db")}`;
  const serveArgs = ["--database-url", databaseUrl, "--spare-instances", "0", "--sample-seconds", "1"];
  let a: RunningServe;
  let b: RunningServe;
  let aliceOnA: Visitor;
  let alicePid: number;

  const cli = async (args: string[]) => {
    const result = await runCli([...args, "--data", dataA.path, "--database-url", databaseUrl]);
    if (result.code !== 0) throw new Error(result.stderr);
  };
  const instanceRows = (name: string) =>
    query(shared.path, "SELECT r.node_id, r.pid, r.state, r.restarts FROM instance_records r JOIN users u ON u.id = r.user_id WHERE u.name = ? ORDER BY r.node_id", [name]);

  beforeAll(async () => {
    await cli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1"]);
    for (const [name, ip] of USERS) await cli(["user", "add", name, "--role", "user", "--ip", ip]);
    a = await startServe(dataA.path, serveArgs);
    aliceOnA = new Visitor("127.0.0.2", a.url);
    expect((await aliceOnA.get("/")).status).toBe(303);
    alicePid = JSON.parse((await aliceOnA.get("/app/_health")).body).pid;
    // The second gateway starts while the first one runs alice's app.
    b = await startServe(dataB.path, serveArgs);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const dir of [shared, dataA, dataB]) dir[Symbol.dispose]();
  });

  test("starting a second gateway leaves the first one's feature apps running and their records alone", async () => {
    const nodeA = readFileSync(join(dataA.path, "node-id"), "utf8").trim();
    const nodeB = readFileSync(join(dataB.path, "node-id"), "utf8").trim();
    expect(nodeA).not.toBe(nodeB);
    expect(isAlive(alicePid)).toBe(true);
    expect(await instanceRows("alice")).toEqual([{ node_id: nodeA, pid: alicePid, state: "running", restarts: 0 }]);
    const health = await aliceOnA.get("/app/_health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).pid).toBe(alicePid);
    expect(b.output()).not.toContain("stopping a feature app left by the previous gateway run");
  });

  test("each console shows which gateway runs which instance, and offers actions only for its own", async () => {
    const [alice] = await query(shared.path, "SELECT id FROM users WHERE name = 'alice'");
    const row = `user-${alice!.id}`;
    const ownerOnA = new Visitor("127.0.0.1", a.url);
    const ownerOnB = new Visitor("127.0.0.1", b.url);
    const onA = (await ownerOnA.get("/admin/fragments/instances")).body;
    const onB = (await ownerOnB.get("/admin/fragments/instances")).body;
    expect(onA).toContain(`id="instance-${row}"`);
    expect(onA).toContain("(this one)");
    expect(onB).toContain(`id="instance-remote-${row}"`);
    expect(onB).not.toContain(`id="instance-${row}"`);
    // Gateway B cannot stop what gateway A runs, so it offers no button for it.
    expect(onB).not.toContain(`/admin/instances/${alice!.id}/stop`);
    expect(onB).toContain(`class="node">${require("node:os").hostname()}</td>`);
  });

  test("each console charts its own machine's load: both gateways' samples are kept, each reads its own", async () => {
    const node = (data: string) => readFileSync(join(data, "node-id"), "utf8").trim();
    const samplesOf = async (data: string) => (await query(shared.path, "SELECT at FROM metric_samples WHERE node_id = ? ORDER BY at", [node(data)])).map((r) => Number(r.at) / 1000);
    await waitFor("both gateways to have sampled three times", async () => (await samplesOf(dataA.path)).length >= 3 && (await samplesOf(dataB.path)).length >= 3, 15_000);
    for (const [gateway, data] of [[a, dataA], [b, dataB]] as const) {
      const charted = JSON.parse((await new Visitor("127.0.0.1", gateway.url).get("/admin/metrics.json")).body).time as number[];
      const own = await samplesOf(data.path);
      // Exactly the gateway's own samples over the charted span (one more may have been taken since).
      expect(charted.length).toBeGreaterThanOrEqual(3);
      expect(own.filter((time) => time >= charted[0]! && time <= charted.at(-1)!)).toEqual(charted);
    }
  });

  test("a setting changed in one gateway's console reaches the other without a restart", async () => {
    const ownerOnA = new Visitor("127.0.0.1", a.url, { "hx-request": "true" });
    const ownerOnB = new Visitor("127.0.0.1", b.url);
    const field = /id="setting-sessionIdleMinutes"[^>]*value="(\d+)"/;
    expect((await ownerOnB.get("/admin/settings")).body.match(field)?.[1]).toBe("30");
    const saved = await ownerOnA.post("/admin/settings", { sessionIdleMinutes: "45" });
    expect(saved.status).toBe(200);
    expect(saved.body).not.toContain("Nothing was saved");
    await waitFor("gateway B to use the new value", async () => (await ownerOnB.get("/admin/settings")).body.match(field)?.[1] === "45", 15_000);
  });

  test("sessions and statistics are shared: six users over both gateways, one revision raced through both", async () => {
    // Browsers opening a page: each starts a visit (a script's request would not).
    const navigation = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
    const visitors = USERS.map(([, ip], i) => new Visitor(ip, (i % 2 ? b : a).url, navigation));
    const answers = await Promise.all(visitors.map((visitor) => visitor.get("/")));
    expect(answers.map((r) => r.status)).toEqual(USERS.map(() => 303));
    // A session started on one gateway is known on the other (its cookie carries on there).
    const bobOnA = new Visitor("127.0.0.3", a.url);
    for (const [name, value] of visitors[1]!.cookies) bobOnA.cookies.set(name, value);
    const sessionsBefore = await query(shared.path, "SELECT count(*) AS n FROM sessions");
    expect((await bobOnA.get("/app/_health")).status).toBe(200);
    expect(await query(shared.path, "SELECT count(*) AS n FROM sessions")).toEqual(sessionsBefore);
    const visits = await query(shared.path, "SELECT u.name, d.visits FROM usage_days d JOIN users u ON u.id = d.user_id ORDER BY u.name");
    expect(visits.filter((v) => v.name !== "owner")).toEqual(
      // alice's earlier session was a script's: a script session, not a visit.
      USERS.map(([name]) => ({ name, visits: 1 })).sort((x, y) => x.name.localeCompare(y.name)),
    );

    // One user, one set, saved from both gateways at once from the same revision: one wins each round.
    const carolOnA = new Visitor("127.0.0.4", a.url);
    const carolOnB = new Visitor("127.0.0.4", b.url);
    await carolOnA.get("/");
    await carolOnB.get("/");
    const json = { "content-type": "application/json" };
    const put = (visitor: Visitor, path: string, body: unknown) =>
      visitor.request("PUT", path, { headers: { ...json, origin: visitor.baseUrl }, body: JSON.stringify(body) });
    const created = await carolOnA.request("POST", "/app/api/feature-sets", {
      headers: { ...json, origin: a.url },
      body: JSON.stringify({ name: "Raced" }),
    });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.body);
    const counts = { 200: 0, 409: 0, other: 0 };
    for (let revision = 1; revision <= 100; revision++) {
      const results = await Promise.all([
        put(carolOnA, `/app/api/feature-sets/${id}`, { revision, name: `A ${revision}` }),
        put(carolOnB, `/app/api/feature-sets/${id}`, { revision, name: `B ${revision}` }),
      ]);
      for (const { status } of results) counts[status === 200 || status === 409 ? status : "other"]++;
    }
    expect(counts).toEqual({ 200: 100, 409: 100, other: 0 });
  });
});
