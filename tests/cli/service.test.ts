import { describe, expect, test } from "bun:test";
import { firewallRuleCommand } from "../../src/cli/doctor-command";
import { TASK_NAME, schtasksCommands, systemdUnit, taskXml } from "../../src/cli/service-command";
import { runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

describe("service", () => {
  test("the Windows task starts at boot as SYSTEM, never times out and restarts after a failure", () => {
    const xml = taskXml("C:\\Program Files\\5gfm\\5gfm.exe", ["serve", "--no-open", "--data", "C:\\Program Files\\5gfm\\5gfm-data"]);
    expect(xml).toContain("<BootTrigger><Enabled>true</Enabled></BootTrigger>");
    expect(xml).toContain("<UserId>S-1-5-18</UserId>");
    expect(xml).toContain("<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>");
    expect(xml).toContain("<RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure>");
    expect(xml).toContain("<Command>C:\\Program Files\\5gfm\\5gfm.exe</Command>");
    expect(xml).toContain('<Arguments>serve --no-open --data &quot;C:\\Program Files\\5gfm\\5gfm-data&quot;</Arguments>');
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
      stop: ["schtasks", "/End", "/TN", TASK_NAME],
      uninstall: ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"],
      status: ["schtasks", "/Query", "/TN", TASK_NAME, "/V", "/FO", "LIST"],
    });
  });

  test("on Linux it prints a systemd unit with this data folder", async () => {
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
  });
});
