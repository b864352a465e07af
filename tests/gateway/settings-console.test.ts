// The console's Settings tab against the real server: values checked with the settings' own
// schemas, saved in the database and audited; live ones take effect at once, restart ones at the
// next start; flags and FGM_* variables pin a setting; --print-config and doctor see saved values.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { instanceOf, query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const TOKEN = "metrics-token-0123456789";

describe("settings in the console", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  let boss: Visitor;

  const start = async () => {
    // An environment variable pins one setting; --port and --app-ports (from startServe) pin two more.
    gateway = await startServe(dir.path, ["--spare-instances", "0"], { FGM_ALERT_DISK_PERCENT: "97" });
    boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
    expect((await boss.get("/")).status).toBe(303);
  };
  const save = (form: Record<string, string>) => boss.post("/admin/settings", form);
  const stored = () => query(dir.path, "SELECT key, value, updated_by FROM settings ORDER BY key");
  const settingAudit = () => query(dir.path, "SELECT action, target, detail FROM audit_log WHERE action LIKE 'setting.%' ORDER BY id");

  beforeAll(async () => {
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    await start();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("the form shows every setting with its source; flags and environment are read-only", async () => {
    const page = await boss.get("/admin/settings");
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="setting-sessionIdleMinutes" name="sessionIdleMinutes" aria-describedby="setting-sessionIdleMinutes-hint" type="text" value="30"');
    expect(page.body).toMatch(/id="setting-port" name="port" disabled=""/);
    expect(page.body).toContain("Fixed by the command-line flag --port.");
    expect(page.body).toMatch(/id="setting-alertDiskPercent" name="alertDiskPercent" disabled=""[^>]*value="97"/);
    expect(page.body).toContain("Fixed by the environment variable FGM_ALERT_DISK_PERCENT.");
    // The data folder and the database are not the console's to change.
    expect(page.body).not.toContain('name="data"');
    expect(page.body).not.toContain('name="databaseUrl"');
    const korean = await boss.get("/admin/settings?lang=ko");
    expect(korean.body).toContain("세션 유휴 시간 제한(분)");
    expect(korean.body).toContain("명령줄 옵션 --port로 고정되어 있습니다.");
    await boss.get("/admin/settings?lang=en");
  });

  test("bad values get inline errors, keep what was typed, and change nothing", async () => {
    const refused = await save({ sessionIdleMinutes: "45", maxInstances: "many", alertWebhookUrl: "ftp://example.com/hook", trustedProxies: "10.0.0.1\nnot-an-address" });
    expect(refused.status).toBe(200); // htmx: the refusal is shown in place
    expect(refused.body).toContain("Nothing was saved. Correct the fields marked below.");
    expect(refused.body).toContain('id="setting-maxInstances-error" role="alert">An integer from 1 to 1000.');
    expect(refused.body).toContain('id="setting-alertWebhookUrl-error"');
    expect(refused.body).toContain('id="setting-trustedProxies-error"');
    // The wrong entry is named, not only what is expected.
    expect(refused.body).toContain("(&quot;not-an-address&quot; is not an IPv4 or IPv6 address or CIDR range)");
    expect(refused.body).not.toContain('id="setting-sessionIdleMinutes-error"');
    expect(refused.body).toContain('value="many"');
    expect(refused.body).toContain("10.0.0.1\nnot-an-address</textarea>");
    // A rule between settings: a redirect port only with HTTPS.
    const clash = await save({ httpRedirectPort: "8080" });
    expect(clash.status).toBe(200); // htmx: the refusal is shown in place
    expect(clash.body).toContain('id="setting-httpRedirectPort-error"');
    // TLS files are checked before they are saved, so the next start cannot fail on them.
    const tls = await save({ tlsCert: "/nonexistent/cert.pem", tlsKey: "/nonexistent/key.pem" });
    expect(tls.body).toMatch(/id="setting-tlsCert-error" role="alert">The path of a readable PEM certificate[^<]*\(.*\/nonexistent\/cert\.pem/);
    // Without htmx: the whole page, answered 400.
    const plain = new Visitor("127.0.0.1", gateway.url);
    const page = await plain.post("/admin/settings", { sampleSeconds: "0" });
    expect(page.status).toBe(400);
    expect(page.body).toContain("<!doctype html>");
    expect(page.body).toContain('id="setting-sampleSeconds-error"');
    // A pinned setting cannot be changed by posting it anyway.
    expect((await save({ alertDiskPercent: "50" })).body).toContain("Nothing was changed.");
    expect(await stored()).toEqual([]);
    expect(await settingAudit()).toEqual([]);
  });

  test("only an admin may see or change settings", async () => {
    const alice = new Visitor("127.0.0.2", gateway.url, { "hx-request": "true" });
    await alice.get("/");
    expect((await alice.get("/admin/settings")).status).toBe(403);
    expect((await alice.post("/admin/settings", { metricsToken: TOKEN })).status).toBe(403);
    expect((await alice.post("/admin/settings/sessionIdleMinutes/reset", {})).status).toBe(403);
    expect(await stored()).toEqual([]);
  });

  test("live settings take effect at once: the metrics token, trusted proxies, the session timeout", async () => {
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const proxy = new Visitor("127.0.0.9", gateway.url, { "x-forwarded-for": "127.0.0.2" });
    expect((await proxy.get("/")).status).toBe(403); // nobody at 127.0.0.9, and its header is not believed

    const saved = await save({ metricsToken: TOKEN, trustedProxies: "127.0.0.9", sessionMaxHours: "12" });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain("Saved: Trusted reverse proxies, Bearer token for /metrics.");
    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE fgm_instances gauge");
    expect((await proxy.get("/")).location).toBe("/app/"); // now alice, through the trusted proxy

    // A session two hours old survives a 12-hour limit and ends once the limit is 1 hour
    // (alice, known by address alone, is then given a new one).
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    const [open] = await query(dir.path, "SELECT id FROM sessions WHERE address = '127.0.0.2' AND ended_at IS NULL ORDER BY id DESC LIMIT 1");
    await query(dir.path, "UPDATE sessions SET created_at = created_at - 7200000 WHERE id = ?", [Number(open!.id)]);
    const endReason = async () => (await query(dir.path, "SELECT end_reason FROM sessions WHERE id = ?", [Number(open!.id)]))[0]!.end_reason;
    await alice.get("/app/_health");
    expect(await endReason()).toBeNull();
    await save({ sessionMaxHours: "1" });
    await alice.get("/app/_health");
    expect(await endReason()).toBe("expired");

    expect(await stored()).toEqual([
      { key: "metricsToken", value: JSON.stringify(TOKEN), updated_by: "boss" },
      { key: "sessionMaxHours", value: '"1"', updated_by: "boss" },
      { key: "trustedProxies", value: '["127.0.0.9"]', updated_by: "boss" },
    ]);
    // The audit trail says what changed, never the token itself.
    const audit = await settingAudit();
    expect(audit).toContainEqual({ action: "setting.change", target: "metricsToken", detail: "(none) → (set)" });
    expect(audit).toContainEqual({ action: "setting.change", target: "sessionMaxHours", detail: "12 → 1" });
    expect(audit).toContainEqual({ action: "setting.change", target: "trustedProxies", detail: "(none) → 127.0.0.9" });
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
    const page = await boss.get("/admin/settings");
    expect(page.body).not.toContain(TOKEN);
    expect(page.body).toContain("A token is set; leave this empty to keep it.");
  });

  test("the instance idle timeout applies to feature apps already running", async () => {
    const alice = new Visitor("127.0.0.2", gateway.url);
    await alice.get("/");
    expect((await alice.get("/app/_health")).status).toBe(200);
    expect((await instanceOf(dir.path, "alice")).state).toBe("running");
    await save({ instanceIdleMinutes: "0.05" });
    await waitFor("alice's idle feature app to stop", async () => (await instanceOf(dir.path, "alice")).state === "stopped", 30_000);
  });

  test("a restart setting waits for the restart, which the console says; precedence holds after it", async () => {
    const saved = await save({ adminPath: "/control", alertCpuPercent: "70" });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('id="restart-pending"');
    expect(saved.body).toContain("A restart is pending: Admin console path.");
    expect(saved.body).toContain("Running with /admin until the restart.");
    expect((await boss.get("/admin")).body).toContain("A restart is pending: Admin console path."); // the dashboard says so too
    expect((await boss.get("/control/settings")).status).toBe(404);

    const printed = await runCli(["serve", "--data", dir.path, "--print-config"], { env: { FGM_ALERT_CPU_PERCENT: "55" } });
    expect(printed.code).toBe(0);
    const config = JSON.parse(printed.stdout);
    expect(config).toMatchObject({ adminPath: "/control", sessionMaxHours: 1, trustedProxies: ["127.0.0.9"], metricsToken: "(hidden)" });
    expect(config.alertCpuPercent).toBe(55); // the environment wins over the console
    const doctor = await runCli(["doctor", "--data", dir.path]);
    expect(doctor.stdout).toMatch(/OK {3}settings: 6 saved in the admin console/);

    await gateway.stop();
    await start();
    expect((await boss.get("/admin/settings")).status).toBe(404);
    const moved = await boss.get("/control/settings");
    expect(moved.status).toBe(200);
    expect(moved.body).not.toContain('id="restart-pending"');
    expect(moved.body).toContain("Saved here by boss");
  });

  test("reset forgets the saved value: back to the default, and audited", async () => {
    const reset = await boss.post("/control/settings/sessionMaxHours/reset", {});
    expect(reset.status).toBe(200);
    expect(reset.body).toContain("Longest session (hours) is back to the value from 5gfm.json or its default.");
    expect(reset.body).toContain('name="sessionMaxHours" aria-describedby="setting-sessionMaxHours-hint" type="text" value="12"');
    expect((await stored()).map((row) => row.key)).not.toContain("sessionMaxHours");
    expect((await settingAudit()).at(-1)).toEqual({ action: "setting.reset", target: "sessionMaxHours", detail: "1 → 12" });
    expect((await boss.post("/control/settings/nonsense/reset", {})).status).toBe(404);
  });
});
