import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { firewallRuleCommand } from "../../src/cli/doctor-command";
import { NOT_ANSWERING, systemdUnit } from "../../src/cli/service-command";
import { createLogger, setLogSink } from "../../src/log";
import { superviseGateway } from "../../src/service/gateway-supervisor";
import { requestStop, stopRequestFile } from "../../src/service/stop-request";
import { TASK_NAME, schtasksCommands, taskXml } from "../../src/service/windows-task";
import { cliCommand, freePort, runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

const answers = (url: string) => fetch(`${url}/healthz`).then((r) => r.ok, () => false);

describe("service definitions", () => {
  test("the Windows task runs the supervisor at boot as SYSTEM, never times out, and retries a failed start within the schema's limit", () => {
    const xml = taskXml("C:\\Program Files\\5gfm\\5gfm.exe", ["service", "run", "--data", "C:\\Program Files\\5gfm\\5gfm-data"]);
    expect(xml).toContain("<BootTrigger><Enabled>true</Enabled></BootTrigger>");
    expect(xml).toContain("<UserId>S-1-5-18</UserId>");
    expect(xml).toContain("<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>");
    // MS-TSCH 2.5.4.2: Count is 1..255 (an unsignedByte); 999 made the definition invalid.
    expect(xml).toContain("<RestartOnFailure><Interval>PT1M</Interval><Count>255</Count></RestartOnFailure>");
    expect(xml).toContain("<Command>C:\\Program Files\\5gfm\\5gfm.exe</Command>");
    expect(xml).toContain('<Arguments>service run --data &quot;C:\\Program Files\\5gfm\\5gfm-data&quot;</Arguments>');
    expect(xml).toContain("<WorkingDirectory>C:\\Program Files\\5gfm</WorkingDirectory>");
  });

  test("doctor's Windows firewall hint is the exact netsh command for the port", () => {
    expect(firewallRuleCommand(8000)).toBe(
      'netsh advfirewall firewall add rule name="5G Feature Manager" dir=in action=allow protocol=TCP localport=8000',
    );
  });

  test("the exact schtasks command lines", () => {
    expect(schtasksCommands("C:\\t\\task.xml")).toEqual({
      install: ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", "C:\\t\\task.xml", "/F"],
      start: ["schtasks", "/Run", "/TN", TASK_NAME],
      end: ["schtasks", "/End", "/TN", TASK_NAME],
      uninstall: ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"],
    });
  });

  test("on Linux it prints a systemd unit with this data folder; bad actions and waits are refused", async () => {
    using dir = tempDir();
    const unit = systemdUnit("/opt/5gfm/5gfm-linux-x64", ["serve", "--no-open", "--data", "/srv/5gfm data"]);
    expect(unit).toContain('ExecStart=/opt/5gfm/5gfm-linux-x64 serve --no-open --data "/srv/5gfm data"');
    expect(unit).toContain("Restart=on-failure");
    const printed = await runCli(["service", "install", "--print", "--data", dir.path]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`--data ${dir.path}`);
    const bad = await runCli(["service", "reinstall"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown action 'reinstall'");
    const wait = await runCli(["service", "stop", "--wait-seconds", "0", "--data", dir.path]);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toContain("--wait-seconds must be a whole number from 1 to 3600, not '0'");
    const start = await runCli(["service", "start", "--data", dir.path]);
    expect(start.code).toBe(2);
    expect(start.stderr).toContain("on Linux the service is systemd's: systemctl start 5gfm");
  });
});

describe("service stop and status against a real gateway", () => {
  test("stop shuts the gateway down as Ctrl+C does: feature apps stopped, database closed, lock released, exit 0", async () => {
    using dir = tempDir();
    const serve = await startServe(dir.path);
    await until(() => /instance ready .*pid=\d+/.test(serve.output()), "the spare feature app");
    const sparePid = Number(/instance ready .*pid=(\d+)/.exec(serve.output())![1]);
    expect(alive(sparePid)).toBe(true);

    const status = await runCli(["service", "status", "--data", dir.path, "--port", String(serve.port)]);
    expect(status.stdout).toContain(`server: answering at http://127.0.0.1:${serve.port}/healthz (version `);
    expect(status.code).toBe(0);

    const stopped = await runCli(["service", "stop", "--data", dir.path, "--port", String(serve.port)]);
    expect(stopped.stdout).toContain("asked the gateway to stop");
    expect(stopped.stdout).toContain("stopped");
    expect(stopped.code).toBe(0);
    expect(await serve.child.exited).toBe(0);
    const log = readFileSync(join(dir.path, "logs", "gateway.log"), "utf8");
    expect(log).toMatch(/INFO +serve stopping signal="stop request"/);
    expect(log).toMatch(/INFO +serve stopped\n/);
    expect(alive(sparePid)).toBe(false);
    expect(existsSync(join(dir.path, "gateway.pid"))).toBe(false);
    expect(existsSync(stopRequestFile(dir.path))).toBe(false);

    const after = await runCli(["service", "status", "--data", dir.path, "--port", String(serve.port)]);
    expect(after.stdout).toContain(`server: not answering at http://127.0.0.1:${serve.port}/healthz`);
    expect(after.code).toBe(NOT_ANSWERING);
    const again = await runCli(["service", "stop", "--data", dir.path, "--port", String(serve.port)]);
    expect(again.stdout).toContain("the server is not running");
    expect(again.code).toBe(0);
  }, 60_000);

  test("a server that does not take the stop request: stop says so after --wait-seconds, exits 1 and withdraws the request", async () => {
    using dir = tempDir();
    // Answers /healthz like a gateway but never looks for the stop request (a hung gateway).
    const hung = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ status: "ok", version: "0", uptimeSeconds: 1 }) });
    try {
      const result = await runCli(["service", "stop", "--data", dir.path, "--port", String(hung.port), "--wait-seconds", "1"]);
      expect(result.stderr).toContain(`the gateway did not stop within 1 s; see ${join(dir.path, "logs", "gateway.log")}`);
      expect(result.code).toBe(1);
      expect(existsSync(stopRequestFile(dir.path))).toBe(false);
    } finally {
      hung.stop(true);
    }
  });

  test("a stop request left from an earlier run does not stop the next start", async () => {
    using dir = tempDir();
    requestStop(dir.path);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(stopRequestFile(dir.path), aMinuteAgo, aMinuteAgo);
    await using serve = await startServe(dir.path);
    await Bun.sleep(1500);
    expect(await answers(serve.url)).toBe(true);
    expect(serve.child.exitCode).toBeNull();
  }, 30_000);
});

describe("the supervisor (service run)", () => {
  test("a gateway that crashes is started again; service stop then ends gateway and supervisor cleanly", async () => {
    using dir = tempDir();
    const port = await freePort();
    const appFirst = 20000 + Math.floor(Math.random() * 20000);
    const args = ["--data", dir.path, "--port", String(port)];
    const supervisor = Bun.spawn([...cliCommand(), "service", "run", ...args], {
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_"))), FGM_APP_PORTS: `${appFirst}-${appFirst + 20}` },
    });
    try {
      const serviceLog = () => (existsSync(join(dir.path, "logs", "service.log")) ? readFileSync(join(dir.path, "logs", "service.log"), "utf8") : "");
      const gatewayPids = () => [...serviceLog().matchAll(/started the gateway pid=(\d+)/g)].map((m) => Number(m[1]));
      const url = `http://127.0.0.1:${port}`;
      await until(() => answers(url), "the gateway to answer");
      const [first] = gatewayPids();
      expect(first).toBeGreaterThan(0);

      process.kill(first!, "SIGKILL");
      await until(() => gatewayPids().length === 2, "a second gateway");
      expect(serviceLog()).toMatch(/WARN +service the gateway ended unexpectedly; starting it again pid=\d+ code=\d+ signal=SIGKILL ranSeconds=\d+ inSeconds=1/);
      await until(() => answers(url), "the restarted gateway to answer");
      const second = gatewayPids()[1]!;
      expect(second).not.toBe(first!);
      expect(alive(second)).toBe(true);

      const stopped = await runCli(["service", "stop", ...args]);
      expect(stopped.code).toBe(0);
      expect(await supervisor.exited).toBe(0);
      expect(alive(second)).toBe(false);
      expect(serviceLog()).toMatch(/INFO +service the gateway stopped pid=\d+ code=0/);
      expect(gatewayPids()).toHaveLength(2);
    } finally {
      // Killed outright, a supervisor on Linux leaves its gateway behind (systemd's cgroup would not): end both.
      requestStop(dir.path);
      await Promise.race([supervisor.exited, Bun.sleep(10_000)]);
      supervisor.kill("SIGKILL");
    }
  }, 90_000);

  test("a gateway that ends without a graceful stop is a crash even with exit code 0 (as under Wine when killed)", async () => {
    using dir = tempDir();
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      const supervisor = superviseGateway({
        command: ["bash", "-c", "exit 0"],
        dataDir: dir.path,
        log: createLogger("service"),
        backoff: { firstMs: 50, maxMs: 50, stableMs: 60_000 },
      });
      await until(() => lines.filter((line) => line.includes("started the gateway")).length >= 2, "a second start");
      requestStop(dir.path);
      expect(await supervisor.done).toBe(0);
      expect(lines.find((line) => line.includes("ended unexpectedly"))).toContain("code=0");
    } finally {
      setLogSink((line) => process.stderr.write(`${line}\n`));
    }
  }, 30_000);

  test("a gateway that keeps failing is retried with a doubling pause, capped, and a stop request ends the waiting", async () => {
    using dir = tempDir();
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      const supervisor = superviseGateway({
        command: ["bash", "-c", "exit 3"],
        dataDir: dir.path,
        log: createLogger("service"),
        backoff: { firstMs: 100, maxMs: 400, stableMs: 60_000 },
      });
      await until(() => lines.filter((line) => line.includes("ended unexpectedly")).length >= 5, "five failures");
      requestStop(dir.path);
      expect(await supervisor.done).toBe(0);
      const pauses = lines.filter((line) => line.includes("ended unexpectedly")).map((line) => /inSeconds=([\d.]+)/.exec(line)![1]);
      expect(pauses.slice(0, 5)).toEqual(["0.1", "0.2", "0.4", "0.4", "0.4"]);
      expect(lines.filter((line) => line.includes("ended unexpectedly"))[0]).toContain("code=3");
      expect(existsSync(stopRequestFile(dir.path))).toBe(false);
    } finally {
      setLogSink((line) => process.stderr.write(`${line}\n`));
    }
  }, 30_000);
});

