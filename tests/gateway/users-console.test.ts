// Managing users from the admin console: the same rules as the command line, with inline errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

describe("users in the console", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  let boss: Visitor;

  beforeAll(async () => {
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
    await boss.get("/");
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const userId = async (name: string) => {
    const list = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout) as { id: number; name: string }[];
    return list.find((u) => u.name === name)?.id;
  };

  test("add a user with an address; a clash is refused inline and the typed values stay", async () => {
    const added = await boss.post("/admin/users", { name: "mina", displayName: "Mina <Park>", role: "user", addresses: "127.0.0.2, 10.9.0.0/16", password: "" });
    expect(added.status).toBe(200);
    expect(added.body).toContain("Added mina.");
    expect(added.body).toContain("Mina &lt;Park&gt;");
    const clash = await boss.post("/admin/users", { name: "other", displayName: "", role: "user", addresses: "10.9.1.1", password: "" });
    expect(clash.body).toContain("10.9.1.1 overlaps 10.9.0.0/16, which belongs to mina");
    expect(clash.body).toContain('value="other"');
    expect(await userId("other")).toBeUndefined();
    const visitor = new Visitor("127.0.0.2", gateway.url);
    expect((await visitor.get("/")).location).toBe("/app/");
  });

  test("disable and enable take effect at once; removing the last admin is refused", async () => {
    const id = await userId("mina");
    const mina = new Visitor("127.0.0.2", gateway.url);
    await mina.get("/");
    expect((await boss.post(`/admin/users/${id}/disable`, {})).body).toContain("mina is disabled; their sessions have ended.");
    const refused = await mina.get("/app/");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("The account mina is disabled");
    await boss.post(`/admin/users/${id}/enable`, {});
    expect((await mina.get("/")).location).toBe("/app/");

    const bossId = await userId("boss");
    const last = await boss.post(`/admin/users/${bossId}/remove`, {});
    expect(last.body).toContain("boss is the last administrator");
    expect((await boss.post(`/admin/users/${id}/remove`, {})).body).toContain("mina was removed.");
    expect(await userId("mina")).toBeUndefined();
  });

  test("only admins may manage users", async () => {
    await runCli(["user", "add", "joe", "--role", "user", "--ip", "127.0.0.5", "--data", dir.path]);
    const joe = new Visitor("127.0.0.5", gateway.url);
    await joe.get("/");
    const response = await joe.post("/admin/users", { name: "sneaky", role: "admin", addresses: "127.0.0.9" });
    expect(response.status).toBe(403);
    expect(await userId("sneaky")).toBeUndefined();
  });
});
