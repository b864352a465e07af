// A feature set lives in the database, not in the user's process: it survives `kill -9` of that
// process and a restart of the gateway. Real gateway, real processes, requests from 127.0.0.2.
import { afterAll, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { instanceOf, isAlive, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const dir = tempDir();
let gateway: RunningServe | undefined;
afterAll(async () => {
  await gateway?.stop();
  dir[Symbol.dispose]();
});

async function signedIn(url: string): Promise<Visitor> {
  const visitor = new Visitor("127.0.0.2", url);
  const response = await visitor.get("/");
  if (response.status !== 303) throw new Error(`expected a redirect into the app, got ${response.status}`);
  return visitor;
}

async function readSet(visitor: Visitor, path: string) {
  const response = await visitor.get(`/app/api/feature-sets/${path.split("/").pop()}`);
  return response.status === 200 ? JSON.parse(response.body) : undefined;
}

test("a user's feature set survives kill -9 of their process and a gateway restart", async () => {
  // Until an admin exists the gateway only offers setup; the admin sits at another address.
  for (const [name, role, ip] of [["boss", "admin", "127.0.0.1"], ["alice", "user", "127.0.0.2"]]) {
    const added = await runCli(["user", "add", name!, "--role", role!, "--ip", ip!, "--data", dir.path]);
    expect(added.code).toBe(0);
  }
  gateway = await startServe(dir.path);
  const alice = await signedIn(gateway.url);

  const created = await alice.post("/app/sets", { name: "Market Seoul" });
  expect(created.status).toBe(303);
  const path = created.location!;
  expect((await alice.post(`${path}/features/add`, { revision: "1", feature: "FGR-CA0002" })).status).toBe(303);
  const saved = await alice.post(`${path}/save`, {
    revision: "1",
    name: "Market Seoul",
    "value:FGR-CA0001:scellAdditionA4ThresholdRsrp": "-101",
    "site-name-0": "Gangnam",
    "site-overrides-0": "FGR-CA0001.scellActivationBufferThreshold = 90",
  });
  expect(saved.status).toBe(303);
  const before = await readSet(alice, path);
  expect(before).toMatchObject({ revision: 2, owner: "alice", content: { features: ["FGR-CA0002"] } });
  // An unsaved edit is the user's draft, in the database: it outlives the process too.
  expect((await alice.post(`${path}/features/add`, { revision: "2", ids: "FGR-VO0001" })).status).toBe(303);

  const { pid } = await instanceOf(dir.path, "alice");
  process.kill(pid!, "SIGKILL");
  await waitFor("the killed process to be gone", () => !isAlive(pid!));
  const afterKill = await waitFor("the set through a new process", async () => {
    const set = await readSet(alice, path).catch(() => undefined);
    return set && { set, pid: (await instanceOf(dir.path, "alice")).pid };
  });
  expect(afterKill.pid).not.toBe(pid);
  expect(afterKill.set).toEqual(before);

  await gateway.stop();
  gateway = await startServe(dir.path);
  const again = await signedIn(gateway.url);
  expect(await readSet(again, path)).toEqual(before);
  const page = await again.get(path);
  expect(page.body).toContain("Market Seoul");
  expect(page.body).toContain('value="-101"');
  expect(page.body).toContain('name="site-cell-0-FGR-CA0001.scellActivationBufferThreshold" value="90"');
  expect(page.body).toContain("Unsaved draft");
  expect(page.body).toContain('id="set-feature-FGR-VO0001"');
});
