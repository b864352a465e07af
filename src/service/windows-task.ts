// The Windows Task Scheduler task that runs the gateway's supervisor at boot, and what can be asked
// of Task Scheduler about it without depending on the display language (schtasks prints its labels
// and states translated, e.g. in Korean on a Korean Windows).
import { existsSync } from "node:fs";
import { win32 } from "node:path";

export const TASK_NAME = "5G Feature Manager";

/** Windows command lines are parsed by the program; double quotes around each argument suffice here. */
export function quoteWindows(arg: string): string {
  return /[\s"]/.test(arg) ? `"${arg.replaceAll('"', '\\"')}"` : arg;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!);
}

/**
 * The Task Scheduler definition: boot trigger, SYSTEM, no time limit. Restart-on-failure covers a
 * start that fails (the schema allows at most 255 tries, one a minute at the most often); a crash
 * later is the supervisor's to handle (`service run`, see gateway-supervisor.ts).
 */
export function taskXml(executable: string, args: string[]): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>${xmlEscape(`${TASK_NAME}: the 5gfm gateway`)}</Description></RegistrationInfo>
  <Triggers><BootTrigger><Enabled>true</Enabled></BootTrigger></Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure><Interval>PT1M</Interval><Count>255</Count></RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xmlEscape(executable)}</Command>
      <Arguments>${xmlEscape(args.map(quoteWindows).join(" "))}</Arguments>
      <WorkingDirectory>${xmlEscape(win32.dirname(executable))}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

export function schtasksCommands(xmlFile: string): Record<"install" | "start" | "end" | "uninstall", string[]> {
  return {
    install: ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", xmlFile, "/F"],
    start: ["schtasks", "/Run", "/TN", TASK_NAME],
    end: ["schtasks", "/End", "/TN", TASK_NAME],
    uninstall: ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"],
  };
}

/** Task Scheduler keeps each task's definition as a file named after it in System32\Tasks. */
export function taskRegistered(): boolean {
  return existsSync(win32.join(process.env.SystemRoot ?? "C:\\Windows", "System32", "Tasks", TASK_NAME));
}

/**
 * The task's state as Task Scheduler names it in every language (Ready, Running, Disabled, Queued),
 * or undefined when it cannot be asked (PowerShell missing, or Wine's stub that prints nothing).
 */
export function taskState(): string | undefined {
  const query = `(Get-ScheduledTask -TaskName '${TASK_NAME}' -ErrorAction Stop).State`;
  try {
    const result = Bun.spawnSync(["powershell", "-NoProfile", "-NonInteractive", "-Command", query], { stdout: "pipe", stderr: "ignore", stdin: "ignore", timeout: 15_000 });
    const state = result.stdout.toString().trim();
    return result.exitCode === 0 && /^\w+$/.test(state) ? state : undefined;
  } catch {
    return undefined;
  }
}
