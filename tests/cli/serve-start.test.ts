// What an administrator meets when serve starts, or cannot: one clear line and exit code 1 for
// each failure, a trace in logs/gateway.log, the lock decided by what holds it (issue 15).
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { MAIN, freePort, runCli, startServe } from "../helpers/cli";
import { readOnlyFolder } from "../helpers/read-only";
import { tempDir } from "../helpers/temp-dir";

const gatewayLog = (data: string) => readFileSync(join(data, "logs", "gateway.log"), "utf8");

describe("serve start-up failures", () => {
  test("a port in use: one line naming the port and where to change it, exit 1, before any database exists", async () => {
    using dir = tempDir();
    const blocker = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response("x") });
    try {
      const result = await runCli(["serve", "--data", dir.path, "--port", String(blocker.port), "--no-open"]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `5gfm serve: port ${blocker.port} is already in use by another program; choose another "port" in ${join(dir.path, "5gfm.json")} (or start with --port)`,
      );
      expect(existsSync(join(dir.path, "5gfm.db"))).toBe(false);
      expect(gatewayLog(dir.path)).toMatch(new RegExp(`ERROR serve could not start reason=".*port ${blocker.port} is already in use`));
    } finally {
      blocker.stop(true);
    }
  });

  test.each([
    ["a read-only data folder", (root: string) => root],
    ["a data folder that cannot be created (read-only parent, as C:\\Program Files)", (root: string) => join(root, "5gfm-data")],
  ])("%s: one line saying what and where, exit 1", async (_, dataIn) => {
    using dir = tempDir();
    const root = join(dir.path, "locked");
    using _readOnly = readOnlyFolder(root);
    const data = dataIn(root);
    const result = await runCli(["serve", "--data", data, "--no-open", "--port", String(await freePort())]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^5gfm serve: cannot write to the data folder ${data} \\((EACCES|EPERM|EROFS)\\); put 5gfm in a folder you may write to, or choose one with --data$`));
  });
});

describe("double-click", () => {
  test("a fatal start error keeps the window open with the message until Enter is pressed", async () => {
    using dir = tempDir();
    const data = join(dir.path, "locked");
    using _readOnly = readOnlyFolder(data);
    // script(1) gives the program a terminal of its own, as a double-clicked console window does.
    const child = Bun.spawn(["script", "-qec", `${process.execPath} ${MAIN}`, "/dev/null"], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, FGM_DATA: data, FGM_OPEN: "false" },
    });
    const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while (!seen.includes("Press Enter to close this window.")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      seen += new TextDecoder().decode(chunk.value);
    }
    expect(seen).toContain(`5gfm serve: cannot write to the data folder ${data}`);
    expect(seen).toContain("Press Enter to close this window.");
    await Bun.sleep(500);
    expect(child.exitCode).toBeNull();
    child.stdin.write("\n");
    child.stdin.flush();
    expect(await child.exited).toBe(1);
  });
});

describe("one gateway per data folder, decided by the lock", () => {
  test("a gateway.pid left by a hard stop, naming a live foreign process, blocks nothing; doctor reports it", async () => {
    using dir = tempDir();
    mkdirSync(dir.path, { recursive: true });
    // This test runner is alive and is not a 5gfm gateway: the pid Windows handed to another program.
    writeFileSync(join(dir.path, "gateway.pid"), String(process.pid));
    const doctor = await runCli(["doctor", "--data", dir.path, "--port", String(await freePort())]);
    expect(doctor.stdout).toContain(`WARN gateway lock: stale: gateway.pid was left by a gateway that did not stop cleanly (killed or power cut); pid ${process.pid} is now another program (a foreign lock)`);
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    const backup = join(dir.path, "copy.db");
    expect((await runCli(["backup", "--out", backup, "--data", dir.path])).code).toBe(0);
    writeFileSync(join(dir.path, "gateway.pid"), String(process.pid));
    const restored = await runCli(["restore", backup, "--data", dir.path]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    writeFileSync(join(dir.path, "gateway.pid"), String(process.pid));
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    expect((await fetch(`${gateway.url}/healthz`)).ok).toBe(true);
    const running = await runCli(["doctor", "--data", dir.path, "--port", String(await freePort())]);
    expect(running.stdout).toContain(`OK   gateway lock: held by the running gateway (pid ${gateway.child.pid} at http://localhost:${gateway.port}/)`);
    // Without --port, the port checked is the one the running gateway serves, not the default 8000.
    const plain = await runCli(["doctor", "--data", dir.path]);
    expect(plain.stdout).toContain(`OK   port ${gateway.port}: in use by this data folder's running gateway (pid ${gateway.child.pid})`);
  });

  test("a second start is refused with the running one's address; a double-click opens the browser there instead", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const url = `http://localhost:${gateway.port}/`;
    const second = await runCli(["serve", "--data", dir.path, "--port", String(await freePort()), "--no-open"]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`5gfm serve: another 5gfm gateway (pid ${gateway.child.pid}) is already serving ${dir.path} at ${url}`);

    // A browser opener that only notes what it was asked to open.
    const bin = join(dir.path, "bin");
    mkdirSync(bin);
    const opened = join(dir.path, "opened.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\necho "$1" > '${opened}'\n`, { mode: 0o755 });
    const clicked = await runCli([], { env: { FGM_DATA: dir.path, PATH: `${bin}:${process.env.PATH}` } });
    expect(clicked.code).toBe(0);
    expect(clicked.stdout).toContain(`5G Feature Manager is already running on this computer (pid ${gateway.child.pid}) at ${url}; opened it in your browser.`);
    for (let i = 0; i < 50 && !existsSync(opened); i++) await Bun.sleep(100);
    expect(readFileSync(opened, "utf8").trim()).toBe(url);

    const restore = await runCli(["restore", join(dir.path, "5gfm.db"), "--data", dir.path]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`is already serving ${dir.path} at ${url}; stop it first`);
  });
});

test("a gateway killed outright (kill -9, taskkill /f, power cut) leaves nothing that blocks the next start", async () => {
  using dir = tempDir();
  const first = await startServe(dir.path, ["--spare-instances", "0"]);
  first.child.kill("SIGKILL");
  await first.child.exited;
  expect(existsSync(join(dir.path, "gateway.pid"))).toBe(true);
  await using second = await startServe(dir.path, ["--spare-instances", "0"]);
  expect((await fetch(`${second.url}/healthz`)).ok).toBe(true);
});

test("after a clean stop the database file alone holds every change: a copy of 5gfm.db is complete", async () => {
  using dir = tempDir();
  const gateway = await startServe(dir.path, ["--spare-instances", "0"]);
  expect((await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path])).code).toBe(0);
  expect(await gateway.stop()).toBe(0);
  const wal = join(dir.path, "5gfm.db-wal");
  expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
  // The file copied on its own, as an administrator would copy it, has alice in it.
  mkdirSync(join(dir.path, "copy"));
  copyFileSync(join(dir.path, "5gfm.db"), join(dir.path, "copy", "5gfm.db"));
  const copy = new Database(join(dir.path, "copy", "5gfm.db"), { readonly: true });
  try {
    expect(copy.query("SELECT name FROM users").all()).toEqual([{ name: "alice" }]);
  } finally {
    copy.close();
  }
});

describe("the console window", () => {
  test("says where colleagues point their browsers and that closing it stops the server; logs are in local time", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"], { TZ: "Asia/Seoul" });
    const output = gateway.output();
    expect(output).toContain(`Colleagues open http://${hostname()}:${gateway.port}/ in their browsers`);
    expect(output).toContain("Closing this window or pressing Ctrl+C stops the server for everyone.");
    const line = gatewayLog(dir.path).split("\n").find((l) => l.includes("gateway listening"))!;
    const stamp = line.split(" ")[0]!;
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
    // The same instant as now, written on Seoul's clock.
    expect(Math.abs(Date.parse(stamp) - Date.now())).toBeLessThan(60_000);
    expect(output).toContain(stamp);
  });
});
