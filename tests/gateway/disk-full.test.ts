// A really full disk: the data folder on a small tmpfs (mounted for the test; needs root, which
// the test machine and CI have), filled with a file until the kernel says ENOSPC. People saving
// get "the disk is full; not saved" (507) as JSON, htmx fragment and page, from the feature app
// and from the gateway; the admin gets the banner, a log line and the webhook at once; doctor
// says so; and after space is freed everything saves again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";

const FULL = "The server's disk is full; your change was not saved.";
const FULL_HTML = FULL.replace("'", "&#39;");

/** Writes into `file` until the disk refuses: a disk as full as a real one gets. */
function fillDisk(file: string): void {
  const fd = openSync(file, "w");
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function mountTmpfs(megabytes: number): string | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return undefined;
  const point = mkdtempSync(join(tmpdir(), "5gfm-full-"));
  const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", point]);
  return mounted.exitCode === 0 ? point : undefined;
}

const mountPoint = mountTmpfs(64);

describe.skipIf(!mountPoint)("a full disk", () => {
  const data = join(mountPoint ?? "", "data");
  const filler = join(mountPoint ?? "", "filler");
  const hooks: string[] = [];
  const webhook = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      hooks.push(await request.text());
      return new Response("ok");
    },
  });
  let gateway: RunningServe;
  let owner: Visitor;
  let alice: Visitor;
  let setId: number;
  let revision = 1;
  const json = (visitor: Visitor, method: string, path: string, body: unknown) =>
    visitor.request(method, path, { headers: { "content-type": "application/json", origin: visitor.baseUrl }, body: JSON.stringify(body) });
  const alerts = async () => (await owner.get("/admin/fragments/alerts")).body;

  beforeAll(async () => {
    for (const [name, role, ip] of [["owner", "admin", "127.0.0.1"], ["alice", "user", "127.0.0.2"], ["bob", "user", "127.0.0.3"]]) {
      const added = await runCli(["user", "add", name!, "--role", role!, "--ip", ip!, "--data", data]);
      if (added.code !== 0) throw new Error(added.stderr);
    }
    gateway = await startServe(data, [
      "--spare-instances", "0",
      "--sample-seconds", "1",
      "--alert-minutes", "0",
      "--alert-disk-percent", "95",
      "--backup-interval-minutes", "0",
      "--alert-webhook-url", `http://127.0.0.1:${webhook.port}/hook`,
    ]);
    owner = new Visitor("127.0.0.1", gateway.url);
    alice = new Visitor("127.0.0.2", gateway.url);
    expect((await owner.get("/")).status).toBe(303);
    expect((await alice.get("/")).status).toBe(303);
    const created = await json(alice, "POST", "/app/api/feature-sets", { name: "Before the disk filled" });
    expect(created.status).toBe(201);
    setId = JSON.parse(created.body).id;
    expect(await alerts()).not.toContain("data-alert");
    fillDisk(filler);
  });
  afterAll(async () => {
    await gateway?.stop();
    webhook.stop(true);
    if (mountPoint) {
      Bun.spawnSync(["umount", mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  test("a save through the API answers 507 with what happened, never a bare 500", async () => {
    // SQLite first fills the room its write-ahead log already has; then it needs the disk.
    const statuses: number[] = [];
    let refused: { status: number; body: string } | undefined;
    while (!refused && statuses.length < 300) {
      const answer = await json(alice, "PUT", `/app/api/feature-sets/${setId}`, { revision, name: `Save ${revision}` });
      statuses.push(answer.status);
      if (answer.status === 200) revision++;
      else refused = answer;
    }
    expect(statuses.filter((s) => s !== 200 && s !== 507)).toEqual([]);
    expect(refused?.status).toBe(507);
    expect(JSON.parse(refused!.body).error).toStartWith(FULL);
  });

  test("the same from the set page's form: an htmx fragment and a full page", async () => {
    const form = { revision: String(revision), name: "From the form", "site-name-0": "Site A", "site-overrides-0": "" };
    const fragment = await alice.post(`/app/sets/${setId}/save`, form, { "hx-request": "true", accept: "text/html" });
    expect(fragment.status).toBe(507);
    expect(fragment.body).toContain(FULL_HTML);
    expect(fragment.body).not.toContain("<html");
    const page = await alice.post(`/app/sets/${setId}/save`, form, { accept: "text/html" });
    expect(page.status).toBe(507);
    expect(page.body).toContain("<html");
    expect(page.body).toContain(FULL_HTML);
  });

  test("the gateway's own writes (a new visitor's session, Back up now) say the same", async () => {
    const statuses: number[] = [];
    let refused: { status: number; body: string } | undefined;
    while (!refused && statuses.length < 300) {
      const answer = await new Visitor("127.0.0.3", gateway.url).get("/", { accept: "text/html" });
      statuses.push(answer.status);
      if (answer.status !== 303) refused = answer;
    }
    expect(refused?.status).toBe(507);
    expect(refused!.body).toContain(FULL_HTML);
    const backup = await owner.post("/admin/backups", {}, { "hx-request": "true" });
    expect(backup.status).toBe(507);
    expect(backup.body).toContain(FULL_HTML);
  });

  test("the admin sees it at once: dashboard banner, log, webhook; the disk threshold fires on the data folder's own disk", async () => {
    const banner = await waitFor("the disk-full banner", async () => {
      const body = await alerts();
      return body.includes('data-alert="disk-full"') && body;
    });
    expect(banner).toContain("The data folder&#39;s disk is full");
    // The threshold alert looks at the tmpfs holding the data folder (100% full), not the root disk.
    expect(await waitFor("the disk threshold alert", async () => (await alerts()).includes('data-alert="disk"'))).toBe(true);
    expect(gateway.output()).toMatch(/alert.*disk-full/);
    await waitFor("the webhook", () => hooks.some((text) => text.includes("disk-full")));
  });

  test("doctor reports the full disk", async () => {
    const doctor = await runCli(["doctor", "--data", data]);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL disk space: the disk holding .* is full/);
  });

  test("after space is freed, saving works again and the alert clears, without a restart", async () => {
    rmSync(filler);
    const saved = await json(alice, "PUT", `/app/api/feature-sets/${setId}`, { revision, name: "After the disk was freed" });
    expect(saved.status).toBe(200);
    expect((await new Visitor("127.0.0.3", gateway.url).get("/")).status).toBe(303);
    await waitFor("the alert to clear", async () => !(await alerts()).includes('data-alert="disk-full"'));
    expect((await json(alice, "GET", `/app/api/feature-sets/${setId}`, undefined)).body).toContain("After the disk was freed");
  });
});
