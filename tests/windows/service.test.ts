// `5gfm service …` with the Windows exe under Wine, as far as Wine allows. Wine 8's schtasks really
// registers and deletes tasks (/Create /XML keeps a definition in system32\tasks, though it drops the
// boot trigger, the principal, RestartOnFailure and the action), but /Run, /End and /Query are stubs
// that do nothing and exit 0, and PowerShell is a stub that prints nothing; so install and start
// cannot see the server come up, and the task's state cannot be read. The supervisor that the task
// runs (`service run`) is run here directly: a real crash, a real restart, a real graceful stop.
// Needs FGM_WINDOWS_EXE=/abs/path/5gfm-windows-x64.exe and Wine prepared by .ci/wine-setup.sh.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort, REPO } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

const EXE = process.env.FGM_WINDOWS_EXE;
const PREFIX = process.env.WINEPREFIX ?? join(homedir(), ".wine-5gfm");
const WINE_READY = existsSync(join(PREFIX, "drive_c", "windows", "system32", "bcryptprimitives.dll"));
const TASK_FILE = join(PREFIX, "drive_c", "windows", "system32", "tasks", "5G Feature Manager");
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_")));

function wineSpawn(args: string[], env: Record<string, string> = {}) {
  return Bun.spawn(["bash", join(REPO, ".ci", "wine-run.sh"), EXE!, ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", cwd: REPO, env: { ...CLEAN_ENV, ...env } });
}

/**
 * Runs the exe to its end. Output goes through a file, not a pipe: a Wine service that the command
 * starts (Task Scheduler's) inherits the handles and keeps a pipe open long after the exe exited.
 */
async function wine(args: string[]): Promise<{ code: number; out: string }> {
  using dir = tempDir("5gfm-wine-out-");
  const [out, err] = [join(dir.path, "out"), join(dir.path, "err")];
  const child = Bun.spawn(["bash", join(REPO, ".ci", "wine-run.sh"), EXE!, ...args], { stdin: "ignore", stdout: Bun.file(out), stderr: Bun.file(err), cwd: REPO, env: CLEAN_ENV });
  const code = await child.exited;
  return { code, out: readFileSync(out, "utf8") + readFileSync(err, "utf8") };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(200);
  }
}

/** Linux pids of the Wine processes whose command line names this data folder and a 5gfm subcommand. */
function winePids(data: string, subcommand: string): number[] {
  const ps = Bun.spawnSync(["ps", "-eo", "pid=,args="], { stdout: "pipe" }).stdout.toString();
  return ps
    .split("\n")
    .filter((line) => line.includes(data.replaceAll("/", "\\")) && line.includes(`.exe ${subcommand} `))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe.skipIf(!EXE || !WINE_READY)("service under Wine", () => {
  test("install registers the task and says honestly that the server did not come up; status and uninstall say what is so", async () => {
    using dir = tempDir();
    const data = `Z:${dir.path}`;
    const port = String(await freePort());
    try {
      const install = await wine(["service", "install", "--data", data, "--port", port, "--wait-seconds", "2"]);
      expect(install.out).toContain('installed the task "5G Feature Manager" (starts at boot as SYSTEM)');
      expect(install.out).toContain(`service run --data ${data.replaceAll("/", "\\")} --port ${port}`);
      // Wine's schtasks /Run does nothing: install must not claim a start it did not see.
      expect(install.out).toContain(`but the server did not answer at http://127.0.0.1:${port}/healthz within 2 s`);
      expect(install.code).toBe(1);
      const definition = readFileSync(TASK_FILE, "utf8");
      expect(definition).toContain("<Description>5G Feature Manager: the 5gfm gateway</Description>");
      expect(definition).toContain("<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>");

      const status = await wine(["service", "status", "--data", data, "--port", port]);
      expect(status.out).toContain('task "5G Feature Manager": installed (its state could not be read');
      expect(status.out).toContain(`server: not answering at http://127.0.0.1:${port}/healthz`);
      expect(status.code).toBe(3);

      const uninstall = await wine(["service", "uninstall", "--data", data, "--port", port]);
      expect(uninstall.out).toContain('removed the task "5G Feature Manager": the server no longer starts at boot');
      expect(uninstall.out).toContain("kept the data folder");
      expect(uninstall.code).toBe(0);
      expect(existsSync(TASK_FILE)).toBe(false);

      const after = await wine(["service", "status", "--data", data, "--port", port]);
      expect(after.out).toContain('task "5G Feature Manager": not installed');
      const again = await wine(["service", "uninstall", "--data", data, "--port", port]);
      expect(again.out).toContain('there was no task "5G Feature Manager" to remove');
      expect(again.code).toBe(0);
    } finally {
      if (existsSync(TASK_FILE)) await wine(["service", "uninstall", "--data", data, "--port", port]);
    }
  }, 120_000);

  test("the supervisor starts a killed gateway again, and service stop ends both gracefully", async () => {
    using dir = tempDir();
    const data = `Z:${dir.path}`;
    const port = await freePort();
    const appFirst = 20000 + Math.floor(Math.random() * 20000);
    const url = `http://127.0.0.1:${port}/healthz`;
    const answers = () => fetch(url).then((r) => r.ok, () => false);
    const serviceLog = () => (existsSync(join(dir.path, "logs", "service.log")) ? readFileSync(join(dir.path, "logs", "service.log"), "utf8") : "");
    const supervisor = wineSpawn(["service", "run", "--data", data, "--port", String(port)], { FGM_APP_PORTS: `${appFirst}-${appFirst + 20}` });
    try {
      await until(answers, "the gateway to answer");
      const [gateway] = winePids(dir.path, "serve");
      expect(gateway).toBeGreaterThan(0);
      // A crash, as Windows sees one: the process ends without its graceful stop.
      process.kill(gateway!, "SIGKILL");
      await until(() => serviceLog().includes("the gateway ended unexpectedly; starting it again"), "the supervisor to notice");
      await until(() => (serviceLog().match(/started the gateway/g) ?? []).length === 2, "a second gateway");
      await until(answers, "the restarted gateway to answer");

      const stop = await wine(["service", "stop", "--data", data, "--port", String(port)]);
      expect(stop.out).toContain("asked the gateway to stop");
      expect(stop.code).toBe(0);
      expect(await supervisor.exited).toBe(0);
      expect(serviceLog()).toMatch(/service the gateway stopped pid=\d+/);
      expect(readFileSync(join(dir.path, "logs", "gateway.log"), "utf8")).toMatch(/serve stopping signal="stop request"[\s\S]*serve stopped/);
      expect(await answers()).toBe(false);
    } finally {
      for (const pid of [supervisor.pid, ...winePids(dir.path, "serve")]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }, 180_000);
});
