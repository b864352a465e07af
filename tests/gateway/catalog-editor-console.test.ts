// The catalog-editor flag through the real gateway: an admin ticks it on the user's page, the
// user's running app lets them import at once (no restart), and catalog changes appear in the
// console's audit trail with who and from where, worded in the reader's language.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

describe("catalog editors in the console", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  let boss: Visitor;

  beforeAll(async () => {
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "mina", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
    await boss.get("/");
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("an admin makes a user catalog editor; their running app allows the import at once; the audit trail shows it", async () => {
    const mina = new Visitor("127.0.0.2", gateway.url);
    await mina.get("/");
    const pid = await waitFor("mina's app", async () => {
      const health = await mina.get("/app/_health", { accept: "application/json" });
      return health.status === 200 ? (JSON.parse(health.body).pid as number) : undefined;
    });
    expect((await mina.get("/app/import")).body).toContain('id="read-only"');
    const refused = await mina.post("/app/import", {});
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Only catalog editors and administrators may change the team&#39;s catalog");

    const list = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout) as { id: number; name: string; catalogEditor: boolean }[];
    const id = list.find((u) => u.name === "mina")!.id;
    expect((await boss.get(`/admin/users/${id}`)).body).toContain('name="catalogEditor"');
    const saved = await boss.post(`/admin/users/${id}/edit`, { displayName: "", role: "user", addresses: "127.0.0.2", catalogEditor: "on" });
    expect(saved.body).toContain("Saved the changes to mina.");
    expect(saved.body).toMatch(/<input type="checkbox" name="catalogEditor" checked=""\/>/);
    expect((await mina.get("/app/import")).body).toContain('id="upload-form"');
    // The same process: the flag was read from the database, not passed at start.
    expect(JSON.parse((await mina.get("/app/_health", { accept: "application/json" })).body).pid).toBe(pid);
    const cliList = await runCli(["user", "list", "--data", dir.path]);
    expect(cliList.stdout).toMatch(/mina\s+user\s+yes\s+-\s+127\.0\.0\.2\s+editor/);

    // An import by the admin from the browser's address (fetch leaves from 127.0.0.1, the admin's).
    const form = new FormData();
    form.append("file", new File(["id,name,category,release,status\nMK-1,Market base,Local,Rel-18,active\n"], "market.csv"));
    const imported = await fetch(`${gateway.url}/app/api/catalog/import?confirm=true`, {
      method: "POST",
      body: form,
      headers: { cookie: boss.cookieHeader(), origin: gateway.url },
    });
    expect(imported.status).toBe(201);

    const audit = await boss.get("/admin/audit?action=catalog");
    expect(audit.body).toContain('catalog imported <span class="muted">catalog.import</span>');
    expect(audit.body).toContain("file=market.csv featureCount=1");
    expect(audit.body).toMatch(/<td>boss<\/td><td[^>]*>127\.0\.0\.1<\/td>/);
    const updates = await boss.get("/admin/audit?action=user.update");
    expect(updates.body).toContain("catalogEditor=true");
    const korean = new Visitor("127.0.0.1", gateway.url, { "accept-language": "ko" });
    await korean.get("/");
    expect((await korean.get("/admin/audit?action=catalog")).body).toContain('카탈로그 가져옴 <span class="muted">catalog.import</span>');
  });
});
