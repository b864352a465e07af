// A wall-clock jump under a running gateway: the real gateway (and its feature apps) under
// Debian's libfaketime, whose offset file the test rewrites while they run; the monotonic clock
// is left alone, as an NTP step or a resumed VM leaves it. Neither a jump forward nor one back
// ends the open sessions, stops the running apps as idle, or adds days of dwell; visits are
// stamped with the day the wall clock says.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor, openWebSocketFrom } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const DAY_MS = 86_400_000;

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

describe.skipIf(!existsSync(LIBFAKETIME))("a wall-clock jump under a running gateway", () => {
  // Removed in afterAll: a `using` here would end with the describe callback, before the tests run.
  const dir = tempDir();
  const offsetFile = join(dir.path, "clock-offset");
  let gateway: RunningServe;
  let alice: Visitor;
  let alicePid: number;
  let aliceSession: number;
  const jump = (offset: string) => writeFileSync(offsetFile, `${offset}\n`);
  const openSessions = async () => (await query(dir.path, "SELECT id FROM sessions WHERE ended_at IS NULL ORDER BY id")).map((r) => Number(r.id));

  beforeAll(async () => {
    for (const [name, role, ip] of [["owner", "admin", "127.0.0.1"], ["alice", "user", "127.0.0.2"], ["bob", "user", "127.0.0.3"]]) {
      const added = await runCli(["user", "add", name!, "--role", role!, "--ip", ip!, "--data", dir.path]);
      if (added.code !== 0) throw new Error(added.stderr);
    }
    jump("+0");
    gateway = await startServe(
      dir.path,
      // Apps idle after 30 s are stopped (checked every 7.5 s); sessions idle after 5 minutes end.
      ["--spare-instances", "0", "--instance-idle-minutes", "0.5", "--session-idle-minutes", "5"],
      { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: "1", FAKETIME_DONT_FAKE_MONOTONIC: "1" },
    );
    alice = new Visitor("127.0.0.2", gateway.url);
    expect((await alice.get("/")).status).toBe(303);
    alicePid = JSON.parse((await alice.get("/app/_health")).body).pid;
    aliceSession = (await openSessions())[0]!;
  });
  afterAll(async () => {
    await gateway?.stop();
    dir[Symbol.dispose]();
  });

  for (const [direction, offset] of [["forward three days", "+3d"], ["back to now, three days back", "+0"]] as const) {
    test(`a jump ${direction}: sessions stay open, apps keep running, visits land on the wall clock's day`, async () => {
      const owner = new Visitor("127.0.0.1", gateway.url);
      expect((await owner.get("/")).status).toBe(303);
      const before = await openSessions();
      // A tab with the app open across the jump: its dwell is the seconds it was open, not days.
      const tab = await openWebSocketFrom("127.0.0.2", `${gateway.url}/app/ws`, alice.cookieHeader());
      jump(offset);
      const wallNow = Date.now() + (offset === "+3d" ? 3 * DAY_MS : 0);
      // Longer than the app idle check's period, with the app in use (the tab is open).
      await Bun.sleep(9000);
      tab.destroy();
      // The same cookie still works: no new session, the same process.
      const health = await alice.get("/app/_health");
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body).pid).toBe(alicePid);
      // The dashboard sweeps timed-out sessions: it must not take the jump for hours of idleness.
      expect((await owner.get("/admin")).status).toBe(200);
      expect(await openSessions()).toEqual(before);
      expect(before).toContain(aliceSession);
      const [alice_] = await query(dir.path, "SELECT r.state, r.pid FROM instance_records r JOIN users u ON u.id = r.user_id WHERE u.name = 'alice'");
      expect(alice_).toEqual({ state: "running", pid: alicePid });
      const [dwell] = await waitFor("the dwell to be written", async () => {
        const rows = await query(dir.path, "SELECT dwell_ms FROM sessions WHERE id = ?", [aliceSession]);
        return Number(rows[0]?.dwell_ms) > 0 && rows;
      });
      expect(Number(dwell!.dwell_ms)).toBeLessThan(5 * 60_000);
      await query(dir.path, "UPDATE sessions SET dwell_ms = 0 WHERE id = ?", [aliceSession]);
      // A visit now is counted on the day the wall clock shows now.
      const bob = new Visitor("127.0.0.3", gateway.url);
      expect((await bob.get("/")).status).toBe(303);
      const days = await query(dir.path, "SELECT d.day FROM usage_days d JOIN users u ON u.id = d.user_id WHERE u.name = 'bob' ORDER BY d.day");
      expect(days.map((d) => d.day)).toContain(localDay(wallNow));
    }, 60_000);
  }
});
