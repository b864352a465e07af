// Managing users from the admin console: the same rules as the command line, with inline errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { isAlive, waitFor } from "../helpers/database";
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
    const noAddress = await boss.post("/admin/users", { name: "other", displayName: "", role: "user", addresses: " ", password: "" });
    expect(noAddress.body).toContain("give at least one address");
    expect(await userId("other")).toBeUndefined();
    const clash = await boss.post("/admin/users", { name: "other", displayName: "", role: "user", addresses: "10.9.1.1", password: "" });
    expect(clash.body).toContain("10.9.1.1 overlaps 10.9.0.0/16, which belongs to mina");
    expect(clash.body).toContain('value="other"');
    expect(await userId("other")).toBeUndefined();
    const visitor = new Visitor("127.0.0.2", gateway.url);
    expect((await visitor.get("/")).location).toBe("/app/");
  });

  test("a plain user given a password in the console must sign in with it; the console says so", async () => {
    const form = await boss.get("/admin/access");
    expect(form.body).toContain("once set, it is asked for at sign-in");
    const added = await boss.post("/admin/users", { name: "pia", displayName: "", role: "user", addresses: "127.0.0.6", password: "pia-password-1" });
    expect(added.body).toContain("Added pia.");
    expect(added.body).toMatch(/id="user-pia">[\s\S]*?password required/);
    const pia = new Visitor("127.0.0.6", gateway.url);
    expect((await pia.get("/")).location).toBe("/login?next=%2F");
    expect((await pia.get("/app/")).status).toBe(303);
    const signedIn = await pia.post("/login", { name: "pia", password: "pia-password-1", next: "/" });
    expect(signedIn.location).toBe("/app/");
  });

  test("a catalog editor can be made while adding; the list says who edits the catalog", async () => {
    const added = await boss.post("/admin/users", { name: "cate", displayName: "", role: "user", addresses: "127.0.0.8", password: "", catalogEditor: "on" });
    expect(added.body).toContain("Added cate.");
    const row = (name: string) => added.body.match(new RegExp(`id="user-${name}">([\\s\\S]*?)</tr>`))?.[1] ?? "";
    expect(row("cate")).toContain('<span class="badge">catalog editor</span>');
    expect(row("mina")).toContain("mina");
    expect(row("mina")).not.toContain("catalog editor");
    const listed = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout) as { name: string; catalogEditor: boolean }[];
    expect(listed.find((u) => u.name === "cate")?.catalogEditor).toBe(true);
    expect(listed.find((u) => u.name === "mina")?.catalogEditor).toBe(false);
  });

  test("a Korean console words the refusals in Korean; the command line keeps English", async () => {
    const korean = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true", "accept-language": "ko" });
    await korean.get("/");
    const clash = await korean.post("/admin/users", { name: "other", displayName: "", role: "user", addresses: "10.9.1.1", password: "" });
    expect(clash.body).toContain("10.9.1.1이 mina의 10.9.0.0/16과 겹칩니다");
    const badRule = await korean.post("/admin/users", { name: "other", displayName: "", role: "user", addresses: "10.9.1.300", password: "" });
    expect(badRule.body).toContain("&quot;10.9.1.300&quot; 값은 IPv4/IPv6 주소나 CIDR 범위가 아닙니다");
    const badName = await korean.post("/admin/users", { name: "-x", displayName: "", role: "user", addresses: "10.30.0.1", password: "" });
    expect(badName.body).toContain("사용자 이름은 영문자, 숫자, 점, 대시, 밑줄 1–64자이며");
    expect(badName.body).not.toContain("a user name is");
    const cli = await runCli(["user", "add", "other", "--role", "user", "--ip", "10.9.1.1", "--data", dir.path]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("10.9.1.1 overlaps 10.9.0.0/16, which belongs to mina");
  });

  test("disable and enable take effect at once; removing the last admin is refused", async () => {
    const id = await userId("mina");
    const mina = new Visitor("127.0.0.2", gateway.url);
    await mina.get("/");
    const pid = await waitFor("mina's app", async () => {
      const health = await mina.get("/app/_health", { accept: "application/json" });
      return health.status === 200 ? (JSON.parse(health.body).pid as number) : undefined;
    });
    expect((await boss.post(`/admin/users/${id}/disable`, {})).body).toContain("mina is disabled; their sessions have ended.");
    // Their app stops with their sessions.
    await waitFor("mina's app to stop", () => !isAlive(pid));
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

  test("edit a user: inline errors change nothing; a good edit applies at once and is audited", async () => {
    await runCli(["user", "add", "nina", "--role", "user", "--ip", "127.0.0.3", "--data", dir.path]);
    await runCli(["user", "add", "omar", "--role", "user", "--ip", "10.20.0.0/16", "--data", dir.path]);
    const id = await userId("nina");
    const page = await boss.get(`/admin/users/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("User nina");
    expect(page.body).toContain("nina has no password.");

    const before = await runCli(["user", "list", "--json", "--data", dir.path]);
    const overlap = await boss.post(`/admin/users/${id}/edit`, { displayName: "Nina", role: "user", addresses: "127.0.0.3\n10.20.1.1" });
    expect(overlap.status).toBe(200); // htmx: the refusal is shown in place
    expect(overlap.body).toContain('id="field-addresses-error" role="alert">10.20.1.1 overlaps 10.20.0.0/16, which belongs to omar');
    expect(overlap.body).toContain("127.0.0.3\n10.20.1.1</textarea>");
    const longName = await boss.post(`/admin/users/${id}/edit`, { displayName: "x".repeat(101), role: "user", addresses: "127.0.0.3" });
    expect(longName.body).toContain('id="field-displayName-error" role="alert">a display name may have at most 100 characters');
    const noPassword = await boss.post(`/admin/users/${id}/edit`, { displayName: "", role: "user", addresses: "127.0.0.3", requirePassword: "on" });
    expect(noPassword.body).toContain('id="field-requirePassword-error" role="alert">a password is required to sign in, so one must be set');
    expect((await runCli(["user", "list", "--json", "--data", dir.path])).stdout).toBe(before.stdout);

    const saved = await boss.post(`/admin/users/${id}/edit`, { displayName: "Nina <Kim>", role: "user", addresses: "127.0.0.3, 127.0.0.4" });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain("Saved the changes to nina.");
    expect(saved.body).toContain('value="Nina &lt;Kim&gt;"');
    expect((await new Visitor("127.0.0.4", gateway.url).get("/")).location).toBe("/app/");
    const audit = await boss.get("/admin/audit?action=user.update");
    expect(audit.body).toContain("ips=127.0.0.3,127.0.0.4");
    expect(audit.body).toContain('user changed <span class="muted">user.update</span>');
    const korean = new Visitor("127.0.0.1", gateway.url, { "accept-language": "ko" });
    await korean.get("/");
    expect((await korean.get("/admin/audit?action=user.update")).body).toContain('사용자 변경 <span class="muted">user.update</span>');
  });

  test("set, use and remove a password from the console", async () => {
    const id = await userId("nina");
    const tooShort = await boss.post(`/admin/users/${id}/password`, { password: "short", passwordAgain: "short" });
    expect(tooShort.status).toBe(200); // htmx: the refusal is shown in place
    expect(tooShort.body).toContain('id="field-password-error" role="alert">a password needs at least 8 characters');
    const mismatch = await boss.post(`/admin/users/${id}/password`, { password: "nina-password-1", passwordAgain: "nina-password-2" });
    expect(mismatch.body).toContain('id="field-passwordAgain-error" role="alert">The two passwords differ.');
    expect((await boss.get(`/admin/users/${id}`)).body).toContain("nina has no password.");

    const set = await boss.post(`/admin/users/${id}/password`, { password: "nina-password-1", passwordAgain: "nina-password-1" });
    expect(set.status).toBe(200);
    expect(set.body).toContain("The password of nina was set; their other sessions have ended.");
    expect(set.body).toContain("nina has a password.");
    await boss.post(`/admin/users/${id}/edit`, { displayName: "", role: "user", addresses: "127.0.0.3", requirePassword: "on" });
    const nina = new Visitor("127.0.0.3", gateway.url);
    expect((await nina.get("/")).location).toStartWith("/login");
    expect((await nina.post("/login", { name: "nina", password: "wrong-password", next: "/" })).status).toBe(401);
    expect((await nina.post("/login", { name: "nina", password: "nina-password-1", next: "/" })).status).toBe(303);

    const cleared = await boss.post(`/admin/users/${id}/password/clear`, {});
    expect(cleared.body).toContain("nina no longer has a password.");
    expect((await new Visitor("127.0.0.3", gateway.url).get("/")).location).toBe("/app/");
  });

  test("an admin's own password keeps their session; the last admin cannot be demoted", async () => {
    const id = await userId("boss");
    const set = await boss.post(`/admin/users/${id}/password`, { password: "boss-password-1", passwordAgain: "boss-password-1" });
    expect(set.body).toContain("The password of boss was set");
    expect((await boss.get("/admin/settings")).status).toBe(200); // still signed in
    const demote = await boss.post(`/admin/users/${id}/edit`, { displayName: "", role: "user", addresses: "127.0.0.1", requirePassword: "on" });
    expect(demote.status).toBe(200); // htmx: the refusal is shown in place
    expect(demote.body).toContain("boss is the last administrator; add or enable another one first");
    const noAddress = await boss.post(`/admin/users/${id}/edit`, { displayName: "", role: "admin", addresses: "", requirePassword: "on" });
    expect(noAddress.body).toContain("boss is the last administrator");
    const users = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout) as { name: string; role: string; ipRules: string[] }[];
    expect(users.find((u) => u.name === "boss")).toMatchObject({ role: "admin", ipRules: ["127.0.0.1"] });
    expect((await boss.get("/admin/users/99999")).status).toBe(404);
  });

  test("only admins may manage users", async () => {
    await runCli(["user", "add", "joe", "--role", "user", "--ip", "127.0.0.5", "--data", dir.path]);
    const joe = new Visitor("127.0.0.5", gateway.url);
    await joe.get("/");
    const response = await joe.post("/admin/users", { name: "sneaky", role: "admin", addresses: "127.0.0.9" });
    expect(response.status).toBe(403);
    expect(await userId("sneaky")).toBeUndefined();
    const joeId = await userId("joe");
    expect((await joe.post(`/admin/users/${joeId}/edit`, { displayName: "", role: "admin", addresses: "127.0.0.5" })).status).toBe(403);
    expect((await joe.post(`/admin/users/${joeId}/password`, { password: "joe-password-1", passwordAgain: "joe-password-1" })).status).toBe(403);
    expect((await joe.get(`/admin/users/${joeId}`)).status).toBe(403);
    const list = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout) as { name: string; role: string; hasPassword: boolean }[];
    expect(list.find((u) => u.name === "joe")).toMatchObject({ role: "user", hasPassword: false });
  });
});
