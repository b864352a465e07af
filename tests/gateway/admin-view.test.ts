// What the admin reads in the console, in English and Korean: waiting access requests on the
// dashboard and as a badge in the menu, durations in the reader's words, what "visit" and
// "dwell time" mean, an audit filter that finds the words it shows (and says honestly how many
// it found), old audit entries pruned, and Stop/Restart that ask first and say whose app it is.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the admin's view", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  const en = () => new Visitor("127.0.0.1", gateway.url, { "accept-language": "en" });
  const ko = () => new Visitor("127.0.0.1", gateway.url, { "accept-language": "ko" });

  beforeAll(async () => {
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    const now = Date.now();
    for (const [action, age] of [
      ["ancient.entry", 400],
      ["year-old.entry", 366],
      ["recent.entry", 10],
    ] as const) {
      await query(dir.path, "INSERT INTO audit_log (created_at, actor, address, action, target, detail) VALUES (?, 'cli', 'cli', ?, '', '')", [now - age * DAY_MS, action]);
    }
    gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    expect((await new Visitor("127.0.0.2", gateway.url).get("/app/")).status).toBe(200);
    await new Visitor("127.0.0.6", gateway.url).post("/access-request", { name: "Jun Lee", reason: "RAN team" });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("audit entries older than the retention (365 days by default) are removed at start; newer ones stay", async () => {
    const actions = await waitFor("the start-up pruning", async () => {
      const rows = (await query(dir.path, "SELECT action FROM audit_log WHERE action LIKE '%.entry'")).map((r) => r.action);
      return rows.length === 1 ? rows : undefined;
    });
    expect(actions).toEqual(["recent.entry"]);
  });

  test("waiting access requests are on the dashboard and counted in the menu, in both languages", async () => {
    const english = await en().get("/admin");
    expect(english.body).toContain('id="pending-requests"');
    expect(english.body).toContain("1 request waits for your decision.");
    expect(english.body).toContain("Jun Lee");
    expect(english.body).toMatch(/Users and access<span class="badge count" id="pending-badge">1 waiting<\/span>/);
    const korean = await ko().get("/admin/sessions");
    expect(korean.body).toMatch(/<span class="badge count" id="pending-badge">1건 대기<\/span>/);
    expect((await ko().get("/admin")).body).toContain("결정을 기다리는 요청이 1건 있습니다.");
  });

  test("durations are written in the reader's language; the page says what a visit and dwell time are", async () => {
    await query(dir.path, "UPDATE sessions SET dwell_ms = 492000 WHERE user_id = (SELECT id FROM users WHERE name = 'alice')");
    const english = await en().get("/admin/statistics");
    expect(english.body).toContain("<td>8 min 12 s</td>");
    expect(english.body).toContain("How long the feature app was open in a browser tab");
    const korean = await ko().get("/admin/statistics");
    expect(korean.body).toContain("<td>8분 12초</td>");
    // When the session started, written as Korean writes a date ("2026. 12. 5. 오후 10:08" style), not "2026-12-05 22:08:00".
    expect(korean.body).not.toMatch(/<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}<\/td>/);
    expect(korean.body).toMatch(/<td>\d{4}\. \d{1,2}\. \d{1,2}\./);
    expect(korean.body).not.toContain(" min ");
    expect(korean.body).toContain("<dt>체류 시간</dt>");
    expect(korean.body).toContain("기능 앱이 브라우저 탭에 열려 있던 시간");
  });

  test("the audit filter finds the words the page shows, English or Korean, and claims no count it did not find", async () => {
    for (const [visitor, words] of [
      [en(), "access request"],
      [ko(), "접근 요청"],
      [en(), "access-request.submit"],
    ] as const) {
      const page = await visitor.get(`/admin/audit?action=${encodeURIComponent(words)}`);
      expect({ words, rows: [...page.body.matchAll(/access-request\.submit<\/span>/g)].length }).toEqual({ words, rows: 1 });
    }
    const counted = await en().get(`/admin/audit?action=${encodeURIComponent("access request")}`);
    expect(counted.body).toContain('id="audit-count">1 entry.</p>');
    const none = await en().get("/admin/audit?action=no-such-thing");
    expect(none.body).toContain("No entries match.");
    expect(none.body).not.toContain("500");
    expect(none.body).not.toContain('id="audit-count"');
  });

  test("Stop and Restart ask first, naming whose app it is; the buttons say it to screen readers too", async () => {
    const english = await en().get("/admin");
    expect(english.body).toContain(`hx-confirm="Stop alice&#39;s feature app? If alice is working in it now, what they have not saved is lost."`);
    expect(english.body).toContain(`hx-confirm="Restart alice&#39;s feature app?`);
    expect(english.body).toContain('Stop<span class="visually-hidden"> (alice)</span>');
    const korean = await ko().get("/admin");
    expect(korean.body).toContain('hx-confirm="alice의 기능 앱을 중지할까요? alice가 지금 작업 중이라면 저장하지 않은 내용이 사라집니다."');
  });
});
