// Retries that are safe, through the real gateway and a real feature-app process: a creating
// POST sent again with the same Idempotency-Key (a lost answer, a 502/504, a double click) gets
// the first answer and creates nothing more; the app's own forms send a key; storage is bounded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";

describe("Idempotency-Key on the creating requests", () => {
  // Removed in afterAll: a `using` here would end with the describe callback, before the tests run.
  const dir = tempDir();
  let gateway: RunningServe;
  let cookie: string;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, { redirect: "manual", ...init, headers: { cookie, origin: gateway.url, ...(init.headers as Record<string, string>) } });
  const postJson = (path: string, body: unknown, key?: string) =>
    call(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) } });
  const postForm = (path: string, form: Record<string, string>) =>
    call(path, { method: "POST", body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
  const setsNamed = async (name: string) => Number((await query(dir.path, "SELECT count(*) AS n FROM feature_sets WHERE name = ?", [name]))[0]!.n);

  beforeAll(async () => {
    const added = await runCli(["user", "add", "alice", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    if (added.code !== 0) throw new Error(added.stderr);
    gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const first = await fetch(`${gateway.url}/`, { redirect: "manual" });
    cookie = first.headers.getSetCookie().find((line) => line.startsWith("fgm_session="))!.split(";")[0]!;
  });
  afterAll(async () => {
    await gateway?.stop();
    dir[Symbol.dispose]();
  });

  test("the same key returns the first answer and creates once (set create and clone); without a key a retry duplicates", async () => {
    const first = await postJson("/app/api/feature-sets", { name: "Keyed" }, "create-keyed-1");
    const again = await postJson("/app/api/feature-sets", { name: "Keyed" }, "create-keyed-1");
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const created = await first.json();
    expect((await again.json()).id).toBe(created.id);
    expect(await setsNamed("Keyed")).toBe(1);

    const clone = (key: string) => postJson(`/app/api/feature-sets/${created.id}/clone`, { name: "Keyed clone" }, key);
    const clones = [await clone("clone-1"), await clone("clone-1")];
    expect(clones.map((r) => r.status)).toEqual([201, 201]);
    expect(await setsNamed("Keyed clone")).toBe(1);

    // What a key prevents: the same request without one makes a second set.
    await postJson("/app/api/feature-sets", { name: "Unkeyed" });
    await postJson("/app/api/feature-sets", { name: "Unkeyed" });
    expect(await setsNamed("Unkeyed")).toBe(2);
  });

  test("ten retries at once with one key create one set; the others get the first answer or 'still being carried out'", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => postJson("/app/api/feature-sets", { name: "Raced" }, "raced-1")));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const ids = new Set(await Promise.all(answers.filter((r) => r.status === 201).map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    expect(await setsNamed("Raced")).toBe(1);
    const waiting = answers.find((r) => r.status === 409);
    if (waiting) expect((await waiting.json()).error).toContain("still being carried out");
  });

  test("a key used for another request, or a malformed key, is refused with its reason and changes nothing", async () => {
    const before = Number((await query(dir.path, "SELECT count(*) AS n FROM feature_sets"))[0]!.n);
    const [set] = await query(dir.path, "SELECT id FROM feature_sets WHERE name = 'Keyed'");
    const reused = await postJson(`/app/api/feature-sets/${set!.id}/clone`, { name: "Reused" }, "create-keyed-1");
    expect(reused.status).toBe(422);
    expect((await reused.json()).error).toContain("already used for a different request");
    for (const bad of ["has space", "x".repeat(256), ""]) {
      const refused = await call("/app/api/feature-sets", {
        method: "POST",
        body: JSON.stringify({ name: "Bad key" }),
        headers: { "content-type": "application/json", "Idempotency-Key": bad },
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toContain("1 to 255 visible ASCII characters");
    }
    expect(Number((await query(dir.path, "SELECT count(*) AS n FROM feature_sets"))[0]!.n)).toBe(before);
  });

  test("an import sent twice with one key adds one catalog version", async () => {
    const exported = await (await call("/app/api/catalog/export?format=json&version=1")).json();
    exported.features[0].name = "Renamed for the keyed import";
    const form = () => {
      const body = new FormData();
      body.append("file", new File([JSON.stringify(exported)], "keyed.json", { type: "application/json" }));
      return body;
    };
    const versions = async () => (await (await call("/app/api/catalog/versions")).json()).items.length;
    const before = await versions();
    const first = await call("/app/api/catalog/import", { method: "POST", body: form(), headers: { "Idempotency-Key": "import-1" } });
    const again = await call("/app/api/catalog/import", { method: "POST", body: form(), headers: { "Idempotency-Key": "import-1" } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(await first.text());
    expect(await versions()).toBe(before + 1);
  });

  test("the import page's upload sent twice with one key makes one draft; the retry gets htmx's redirect again", async () => {
    const csv = await (await call("/app/api/catalog/export?format=csv&version=1")).text();
    const upload = () => {
      const body = new FormData();
      body.append("file", new File([csv], "again.csv", { type: "text/csv" }));
      return call("/app/import", { method: "POST", body, headers: { "hx-request": "true", "Idempotency-Key": "upload-1" } });
    };
    const [first, again] = [await upload(), await upload()];
    expect(first.headers.get("hx-redirect")).toMatch(/^\/app\/import\/[^/]+$/);
    expect(again.status).toBe(first.status);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("hx-redirect")).toBe(first.headers.get("hx-redirect"));
  });

  test("the app's own forms carry a key: a set form or clone form sent twice creates once", async () => {
    const page = await (await call("/app/sets")).text();
    const key = page.match(/<form method="post" action="\/app\/sets"[\s\S]*?name="idempotency-key" value="([^"]+)"/)?.[1];
    expect(key).toBeDefined();
    const sent = [await postForm("/app/sets", { "idempotency-key": key!, name: "From the form" }), await postForm("/app/sets", { "idempotency-key": key!, name: "From the form" })];
    expect(sent.map((r) => r.status)).toEqual([303, 303]);
    expect(sent[1]!.headers.get("location")).toBe(sent[0]!.headers.get("location"));
    expect(await setsNamed("From the form")).toBe(1);

    const setPage = await (await call(sent[0]!.headers.get("location")!)).text();
    const cloneKey = setPage.match(/\/clone"[^>]*>\s*<input type="hidden" name="idempotency-key" value="([^"]+)"/)?.[1];
    expect(cloneKey).toBeDefined();
    const setPath = sent[0]!.headers.get("location")!;
    for (let i = 0; i < 2; i++) expect((await postForm(`${setPath}/clone`, { "idempotency-key": cloneKey!, name: "Form clone" })).status).toBe(303);
    expect(await setsNamed("Form clone")).toBe(1);
    // A fresh page gives a fresh key, so a second set made on purpose is made.
    expect((await (await call("/app/sets")).text()).match(/name="idempotency-key" value="([^"]+)"/)?.[1]).not.toBe(key);
    // The import page's htmx forms send it as a header.
    expect(await (await call("/app/import")).text()).toMatch(/hx-headers="\{&quot;Idempotency-Key&quot;:&quot;[0-9a-f-]{36}&quot;\}"/);
  });

  test("storage is bounded: keys older than 24 h are pruned and a user keeps at most 500", async () => {
    const now = Date.now();
    for (let i = 0; i < 10; i++) {
      await query(dir.path, "INSERT INTO idempotency_keys (user, key, method, path, status, created_at) VALUES ('alice', ?, 'POST', '/app/api/feature-sets', 201, ?)", [`old-${i}`, now - 25 * 3_600_000]);
    }
    await query(
      dir.path,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO idempotency_keys (user, key, method, path, status, created_at) SELECT 'alice', 'bulk-' || i, 'POST', '/app/api/feature-sets', 201, ? + i FROM n",
      [now - 3_600_000],
    );
    expect((await postJson("/app/api/feature-sets", { name: "Pruner" }, "prune-1")).status).toBe(201);
    const [kept] = await query(dir.path, "SELECT count(*) AS n, sum(key LIKE 'old-%') AS old FROM idempotency_keys WHERE user = 'alice'");
    expect(Number(kept!.n)).toBeLessThanOrEqual(500);
    expect(Number(kept!.old)).toBe(0);
    expect((await query(dir.path, "SELECT key FROM idempotency_keys WHERE key = 'prune-1'")).length).toBe(1);
  });
});
