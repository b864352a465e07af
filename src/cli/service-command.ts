// `5gfm service install|uninstall|status`: on Windows a Task Scheduler task that starts the
// gateway at boot, whether or not anyone is logged on, and restarts it after a failure; on
// Linux the same as a systemd unit, printed for the administrator to install.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, win32 } from "node:path";
import { IS_COMPILED } from "../build-info";
import { PublicError, UsageError } from "../errors";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configFromArgs } from "./open-config";

export const TASK_NAME = "5G Feature Manager";

const USAGE = `Usage: 5gfm service install|uninstall|status [--print] [--data DIR] [--config FILE] [--port PORT]

install     Windows: registers a Task Scheduler task "${TASK_NAME}" that runs "5gfm serve" at boot as
            SYSTEM (whether or not anyone is logged on) and restarts it after a failure, then starts
            it. Linux: prints a systemd unit to install (see --print).
uninstall   Windows: stops and removes the task.
status      Windows: shows the task's state.

The service runs with this data folder (and config file, if given); put other settings in the
config file (5gfm.json in the data folder).

Options:
  --print               only print what would be installed (the task XML and commands, or the unit)
  --port PORT           the port the service listens on (default: from the config)
${COMMON_USAGE}`;

/** Windows command lines are parsed by the program; double quotes around each argument suffice here. */
function quoteWindows(arg: string): string {
  return /[\s"]/.test(arg) ? `"${arg.replaceAll('"', '\\"')}"` : arg;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!);
}

/** The Task Scheduler definition: boot trigger, SYSTEM, no time limit, restart every minute on failure. */
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
    <RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure>
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

export function schtasksCommands(xmlFile: string): Record<"install" | "start" | "stop" | "uninstall" | "status", string[]> {
  return {
    install: ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", xmlFile, "/F"],
    start: ["schtasks", "/Run", "/TN", TASK_NAME],
    stop: ["schtasks", "/End", "/TN", TASK_NAME],
    uninstall: ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"],
    status: ["schtasks", "/Query", "/TN", TASK_NAME, "/V", "/FO", "LIST"],
  };
}

export function systemdUnit(executable: string, args: string[]): string {
  const quote = (arg: string) => (/[\s"\\]/.test(arg) ? `"${arg.replace(/["\\]/g, "\\$&")}"` : arg);
  return `# /etc/systemd/system/5gfm.service — then: systemctl daemon-reload && systemctl enable --now 5gfm
[Unit]
Description=${TASK_NAME}
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=${[executable, ...args].map(quote).join(" ")}
WorkingDirectory=${dirname(executable)}
Restart=on-failure
RestartSec=10
# SIGTERM stops the feature apps gracefully and closes the database.
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
`;
}

function run(argv: string[]): number {
  const result = Bun.spawnSync(argv, { stdout: "inherit", stderr: "inherit" });
  return result.exitCode;
}

export const serviceCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...COMMON_OPTIONS, print: { type: "boolean" }, port: { type: "string" } }, true);
    const [action, extra] = positionals;
    if (action !== "install" && action !== "uninstall" && action !== "status") {
      throw new UsageError(action ? `unknown action '${action}' (expected install, uninstall or status)` : "missing action: install, uninstall or status");
    }
    if (extra) throw new UsageError(`unexpected argument '${extra}'`);
    const config = configFromArgs(values);
    if (!IS_COMPILED && !values.print) throw new PublicError("install the built executable as a service, not the development source (or use --print)", undefined, 400);
    const executable = process.execPath;
    const args = ["serve", "--no-open", "--data", config.data];
    if (config.configFile) args.push("--config", config.configFile);
    if (values.port) args.push("--port", String(config.port));

    if (process.platform !== "win32") {
      if (action !== "install") throw new PublicError("on Linux the service is systemd's: use systemctl", undefined, 400);
      process.stdout.write(systemdUnit(executable, args));
      return 0;
    }
    const xmlFile = join(tmpdir(), "5gfm-task.xml");
    const commands = schtasksCommands(xmlFile);
    if (values.print) {
      process.stdout.write(taskXml(executable, args));
      for (const key of action === "install" ? (["install", "start"] as const) : action === "uninstall" ? (["stop", "uninstall"] as const) : (["status"] as const)) {
        console.log(commands[key].map(quoteWindows).join(" "));
      }
      return 0;
    }
    if (action === "status") return run(commands.status);
    if (action === "uninstall") {
      run(commands.stop);
      return run(commands.uninstall);
    }
    // Task Scheduler reads task XML as UTF-16 with a byte-order mark.
    writeFileSync(xmlFile, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(taskXml(executable, args), "utf16le")]));
    const code = run(commands.install);
    if (code !== 0) throw new PublicError(`schtasks could not create the task (exit ${code}); run this from an administrator's command prompt`);
    run(commands.start);
    console.log(`installed and started the task "${TASK_NAME}": 5gfm serve --data ${config.data}`);
    return 0;
  },
};
