// Password guessing: one address trying many different names is locked at three times the per-user
// limit (30 failures), a lock holds even against the right password, survives a gateway restart,
// cannot be stepped around with X-Forwarded-For, and (a known gap) parallel guesses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime } from "../../src/i18n/format";
import { query } from "../helpers/database";
import type { FromResponse } from "../helpers/http-from";
import { ADDR, BOSS_PASSWORD, CAROL_PASSWORD, type Site, expectRefused, openSite, signIn } from "./fixture";

const DAVE = "127.0.0.6";
const DAVE_PASSWORD = "dave-password-1";
const ERIN = "127.0.0.10";
const ERIN_PASSWORD = "erin-password-1";

let site: Site;
/** The answer to the failure that reached the per-address limit. */
let thirtieth: FromResponse;

async function failures(address: string): Promise<number> {
  return (await query(site.dir, "SELECT id FROM login_failures WHERE address = ?", [address])).length;
}

async function sessionsOf(name: string): Promise<number> {
  return (await query(site.dir, "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ?", [name])).length;
}

beforeAll(async () => {
  site = await openSite({
    cast: {
      extraUsers: [
        { args: ["user", "add", "dave", "--role", "user", "--ip", DAVE, "--password-stdin", "--require-password"], stdin: `${DAVE_PASSWORD}\n` },
        { args: ["user", "add", "erin", "--role", "user", "--ip", ERIN, "--password-stdin", "--require-password"], stdin: `${ERIN_PASSWORD}\n` },
      ],
    },
  });
});
afterAll(async () => {
  await site.close();
});

describe("one address, many names", () => {
  test("thirty failures under thirty different names lock the address, even for carol's right password", async () => {
    const guesser = site.visitor(ADDR.carol);
    const names = ["boss", "alice", "bob", "dave", "erin", "admin", "root", ...Array.from({ length: 23 }, (_, i) => `guess-${i + 1}`)];
    expect(new Set(names).size).toBe(30);
    for (const [i, name] of names.entries()) {
      const response = await guesser.post("/login", { name, password: `wrong-${i}`, next: "/" });
      if (i === 29) thirtieth = response;
      // Each name is tried once, so no per-user lock is near.
      else expect(response.status, `attempt ${i + 1} (${name})`).toBe(401);
    }
    expect(await failures(ADDR.carol)).toBe(30);

    const right = await guesser.post("/login", { name: "carol", password: CAROL_PASSWORD, next: "/" });
    expectRefused(right, "carol's right password from a locked address", [429]);
    expect(right.body).toMatch(/Sign-in from 127\.0\.0\.5 is locked until \d/);
    expect(guesser.cookies.has("fgm_session")).toBe(false);
    expect(await sessionsOf("carol")).toBe(0);
    const actions = await query(site.dir, "SELECT action, target FROM audit_log WHERE address = ? ORDER BY id", [ADDR.carol]);
    expect(actions.filter((a) => a.action === "login.failed")).toHaveLength(30);
    expect(actions.at(-1)).toEqual({ action: "login.refused-locked", target: "carol" });
  });

  test("a locked address flooding sign-in with made-up 64-character names adds no more trail entries within the minute", async () => {
    const before = await query(site.dir, "SELECT id FROM audit_log");
    const guesser = site.visitor(ADDR.carol);
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => guesser.post("/login", { name: `${"x".repeat(60)}${round}${String(i).padStart(3, "0")}`, password: "p", next: "/" })),
      );
      for (const answer of answers) expectRefused(answer, "a locked address", [429]);
    }
    const added = await query(site.dir, "SELECT action, address FROM audit_log WHERE id > ?", [Number(before.at(-1)?.id ?? 0)]);
    expect(added.filter((a) => a.address === ADDR.carol)).toEqual([]);
  });

  test("another address is not affected (positive control)", async () => {
    await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  });

  // The failure that reaches the per-address limit locks the address from that moment on, so it
  // answers as the per-user limit's last failure does: 429 with the lock's end.
  test("the thirtieth failure says the address is now locked", () => {
    expect(thirtieth.status).toBe(429);
    expect(thirtieth.body).toMatch(/Sign-in from 127\.0\.0\.5 is locked until \d/);
  });
});

describe("one name, one address", () => {
  test("ten wrong passwords lock dave at his address; the right one is then refused", async () => {
    const dave = site.visitor(DAVE);
    for (let attempt = 1; attempt <= 9; attempt++) {
      expect((await dave.post("/login", { name: "dave", password: `wrong-${attempt}`, next: "/" })).status).toBe(401);
    }
    expect((await dave.post("/login", { name: "DAVE ", password: "wrong-10", next: "/" })).status).toBe(429);
    const right = await dave.post("/login", { name: "dave", password: DAVE_PASSWORD, next: "/" });
    expectRefused(right, "dave's right password while locked", [429]);
    expect(await sessionsOf("dave")).toBe(0);
  });

  test("the lock is not a way to lock dave out from everywhere: his name elsewhere is a different count", async () => {
    const before = await failures(ADDR.outsider);
    const elsewhere = await site.visitor(ADDR.outsider).post("/login", { name: "dave", password: DAVE_PASSWORD, next: "/" });
    // Right password, wrong address: answered (and counted) like a wrong password, not as a lock.
    expectRefused(elsewhere, "dave from another address", [401]);
    expect(elsewhere.body).toContain("9 attempts left");
    expect(await failures(ADDR.outsider)).toBe(before + 1);
    expect(await sessionsOf("dave")).toBe(0);
  });
});

describe("locks survive a restart and ignore X-Forwarded-For", () => {
  test("after a restart both locks still hold; a forged X-Forwarded-For does not reopen them", async () => {
    const before = { carol: await failures(ADDR.carol), dave: await failures(DAVE) };
    await site.restart();
    expect({ carol: await failures(ADDR.carol), dave: await failures(DAVE) }).toEqual(before);

    for (const [address, name, password] of [
      [ADDR.carol, "carol", CAROL_PASSWORD],
      [DAVE, "dave", DAVE_PASSWORD],
    ] as const) {
      const plain = await site.visitor(address).post("/login", { name, password, next: "/" });
      expectRefused(plain, `${name} after the restart`, [429]);
      for (const spoof of ["127.0.0.66", ADDR.boss, `${address}, 127.0.0.66`, "unknown"]) {
        const forged = await site.visitor(address, { "x-forwarded-for": spoof, forwarded: `for=${spoof}`, "x-real-ip": spoof }).post("/login", {
          name,
          password,
          next: "/",
        });
        expectRefused(forged, `${name} with X-Forwarded-For: ${spoof}`, [429]);
        expect(forged.body).toContain(`Sign-in from ${address} is locked until`);
      }
    }
    expect(await sessionsOf("carol")).toBe(0);
    expect(await sessionsOf("dave")).toBe(0);
    await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
  });
});

describe("a wall clock set back", () => {
  const FRANK = "127.0.0.11";
  test("failures stamped days ahead (before the clock went back) lock for the lockout's length from now, not for days", async () => {
    const daysAhead = Date.now() + 3 * 86_400_000;
    for (let i = 0; i < 10; i++) await query(site.dir, "INSERT INTO login_failures (name, address, at) VALUES ('frank', ?, ?)", [FRANK, daysAhead + i]);
    const startedAt = Date.now();
    const locked = await site.visitor(FRANK).post("/login", { name: "frank", password: "anything", next: "/" });
    expectRefused(locked, "frank, locked by the failures from before the clock went back", [429]);
    const until = locked.body.match(/is locked until ([^<]+?)\./)?.[1];
    // The default lockout is 15 minutes: it ends then (to the minute shown), not three days from now.
    const inFifteen = [startedAt, Date.now()].map((at) => formatDateTime(new Date(at + 15 * 60_000), "en"));
    expect(inFifteen).toContain(until ?? "(no lock end shown)");
    const stamps = await query(site.dir, "SELECT at FROM login_failures WHERE address = ?", [FRANK]);
    expect(stamps).toHaveLength(10);
    expect(stamps.every((row) => Number(row.at) <= Date.now())).toBe(true);
  });

  test("failures older than the lockout are forgotten when the next one is written", async () => {
    const longAgo = Date.now() - 86_400_000;
    await query(site.dir, "INSERT INTO login_failures (name, address, at) VALUES ('nobody', '127.0.0.12', ?)", [longAgo]);
    expect((await site.visitor("127.0.0.12").post("/login", { name: "nobody", password: "x", next: "/" })).status).toBe(401);
    expect(await query(site.dir, "SELECT count(*) AS n FROM login_failures WHERE at < ?", [Date.now() - 16 * 60_000])).toEqual([{ n: 0 }]);
    expect(await failures("127.0.0.12")).toBe(1);
  });
});

describe("parallel guesses", () => {
  // Attempts from one address are taken one at a time, so guesses sent in parallel cannot all pass
  // the lockout check before any failure is recorded (this once let 29 of 30 through).
  test("thirty parallel guesses are held to the limit: at most ten are checked and the right one among them is refused", async () => {
    const attempts = Array.from({ length: 30 }, (_, i) =>
      site.visitor(ERIN).post("/login", { name: "erin", password: i === 20 ? ERIN_PASSWORD : `wrong-${i}`, next: "/" }),
    );
    const answers = await Promise.all(attempts);
    const checked = (
      await query(site.dir, "SELECT id FROM audit_log WHERE action = 'login.failed' AND target = 'erin' AND address = ?", [ERIN])
    ).length;
    expect({
      passwordsChecked: Math.min(checked, 10),
      signedIn: answers.filter((a) => a.status === 303).length,
      sessions: await sessionsOf("erin"),
    }).toEqual({ passwordsChecked: checked, signedIn: 0, sessions: 0 });
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
  });
});

describe("the administrator sees and lifts lockouts", () => {
  test("the console lists dave's lock and carol's address lock; lifting each lets the right password in again", async () => {
    const boss = await signIn(site.visitor(ADDR.boss), "boss", BOSS_PASSWORD);
    const page = await boss.get("/admin/sessions");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<td>dave<\/td>\s*<td class="address">127\.0\.0\.6<\/td>/);
    expect(page.body).toMatch(/every name \(too many tried from this address\)<\/span><\/td>\s*<td class="address">127\.0\.0\.5<\/td>/);

    // Someone who is no admin cannot lift anything.
    const alice = site.visitor(ADDR.alice);
    const refused = await alice.post("/admin/lockouts/lift", { address: DAVE, name: "dave" });
    expect(refused.status).not.toBe(200);
    expect(await failures(DAVE)).toBeGreaterThan(0);

    // A lift that names no lockout is refused with its reason and changes nothing.
    const auditBefore = await query(site.dir, "SELECT id FROM audit_log");
    const forms: Record<string, string>[] = [{}, { address: "" }, { address: DAVE, name: "" }, { address: "x".repeat(101) }];
    for (const form of forms) {
      const bad = await boss.post("/admin/lockouts/lift", form, { "hx-request": "true" });
      expect(bad.status, JSON.stringify(form)).toBe(400);
      expect(bad.body).toContain("A lockout is named by its address, and its name if it has one.");
    }
    expect(await query(site.dir, "SELECT id FROM audit_log")).toEqual(auditBefore);
    expect(await failures(DAVE)).toBeGreaterThan(0);

    const lifted = await boss.post("/admin/lockouts/lift", { address: DAVE, name: "dave" }, { "hx-request": "true" });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toContain("Sign-in is open again for dave at 127.0.0.6.");
    expect(lifted.body).not.toMatch(/<td>dave<\/td>/);
    await signIn(site.visitor(DAVE), "dave", DAVE_PASSWORD);

    await boss.post("/admin/lockouts/lift", { address: ADDR.carol }, { "hx-request": "true" });
    await signIn(site.visitor(ADDR.carol), "carol", CAROL_PASSWORD);
    const audit = await query(site.dir, "SELECT target, detail FROM audit_log WHERE action = 'login.unlock' ORDER BY id");
    expect(audit).toEqual([
      { target: "dave", detail: `address=${DAVE}` },
      { target: "*", detail: `address=${ADDR.carol}` },
    ]);
  });
});
