// `5gfm service install|start|stop|status|uninstall|run`: on Windows a Task Scheduler task that
// starts the gateway's supervisor at boot, whether or not anyone is logged on; the supervisor
// restarts the gateway after a crash. On Linux the same as a systemd unit, printed for the
// administrator to install; `stop` and `status` work for any gateway on this data folder.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { IS_COMPILED } from "../build-info";
import { type Config, resolveConfig } from "../config";
import { gatewayPid } from "../data-lock";
import { PublicError, UsageError } from "../errors";
import { RotatingLog } from "../instances/rotating-log";
import { createLogger, setLogSink } from "../log";
import { type Health, gatewayHealth, healthUrl, waitFor } from "../service/gateway-health";
import { superviseGateway } from "../service/gateway-supervisor";
import { requestStop, withdrawStopRequest } from "../service/stop-request";
import { TASK_NAME, quoteWindows, schtasksCommands, taskRegistered, taskState, taskXml } from "../service/windows-task";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configLayersFromArgs, effectiveConfig } from "./open-config";

const ACTIONS = ["install", "start", "stop", "status", "uninstall", "run"] as const;
type Action = (typeof ACTIONS)[number];
const DEFAULT_WAIT_SECONDS = 60;
/** `status` exits with this when the server does not answer (as `systemctl status` does). */
export const NOT_ANSWERING = 3;

const USAGE = `Usage: 5gfm service install|start|stop|status|uninstall [--data DIR] [--config FILE] [--port PORT]

install     Windows: registers a Task Scheduler task "${TASK_NAME}" that runs "5gfm service run" at
            boot as SYSTEM (whether or not anyone is logged on), starts it and waits until the
            server answers. Linux: prints a systemd unit to install (see --print).
start       Windows: starts the task and waits until the server answers.
stop        stops the gateway serving this data folder gracefully (feature apps stopped, dwell
            time saved, database closed); on Windows, if it has not stopped within --wait-seconds,
            ends the task (a hard stop) and says so.
status      whether the task is installed and its state, and whether the server answers
            (exit code 0 if it answers, ${NOT_ANSWERING} if not).
uninstall   Windows: stops the server (as stop does) and removes the task; the data folder is kept.
run         what the task runs: starts "5gfm serve" and starts it again whenever it crashes,
            waiting 1 s, 2 s, 4 s… up to 1 min between tries; ends when the gateway stops cleanly.
            Its own log is logs/service.log in the data folder.

The service runs with this data folder (and config file, if given); put other settings in the
config file (5gfm.json in the data folder).

Options:
  --print               only print what would be installed (the task XML and commands, or the unit)
  --port PORT           the port the service listens on (default: from the config)
  --wait-seconds N      how long install, start and stop wait for the server (default ${DEFAULT_WAIT_SECONDS})
${COMMON_USAGE}`;

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

/** This program as a command line: the executable, or Bun with the source in development. */
function selfCommand(): string[] {
  return IS_COMPILED ? [process.execPath] : [process.execPath, join(import.meta.dir, "..", "main.ts")];
}

function schtasks(argv: string[]): { code: number; output: string } {
  const result = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore", timeout: 60_000 });
  return { code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}`.trim() };
}

interface Context {
  config: Config;
  url: string;
  waitMs: number;
}

async function waitUntilAnswering(context: Context, what: string): Promise<number> {
  let health: Health | undefined;
  const answered = await waitFor(async () => {
    health = await gatewayHealth(context.url);
    return health !== undefined;
  }, context.waitMs);
  if (!answered) {
    const logs = join(context.config.data, "logs");
    throw new PublicError(
      `${what}, but the server did not answer at ${context.url} within ${context.waitMs / 1000} s: see ${join(logs, "gateway.log")} and ${join(logs, "service.log")}`,
    );
  }
  console.log(`${what}: the server answers at ${context.url} (version ${health?.version})`);
  return 0;
}

async function start(context: Context, commands: ReturnType<typeof schtasksCommands>): Promise<number> {
  if (await gatewayHealth(context.url)) {
    console.log(`the server is already running at ${context.url}`);
    return 0;
  }
  if (!taskRegistered()) throw new PublicError(`the task "${TASK_NAME}" is not installed: run 5gfm service install`);
  const run = schtasks(commands.start);
  if (run.code !== 0) throw new PublicError(`schtasks could not start the task (exit ${run.code}): ${run.output}`);
  return waitUntilAnswering(context, `started the task "${TASK_NAME}"`);
}

/** Whether anything of ours is still up: the server answering, its lock held, or (Windows) the task running. */
async function stillRunning(context: Context): Promise<boolean> {
  if ((await gatewayHealth(context.url)) || gatewayPid(context.config.data) !== undefined) return true;
  return process.platform === "win32" && taskRegistered() && taskState() === "Running";
}

async function stop(context: Context, commands: ReturnType<typeof schtasksCommands>): Promise<number> {
  const data = context.config.data;
  if (!(await stillRunning(context))) {
    console.log(`the server is not running (nothing answers at ${context.url})`);
    return 0;
  }
  requestStop(data);
  console.log("asked the gateway to stop: stopping the feature apps, saving dwell time, closing the database…");
  const stopped = await waitFor(async () => !(await stillRunning(context)), context.waitMs);
  if (stopped) {
    console.log("stopped");
    return 0;
  }
  withdrawStopRequest(data);
  const seconds = context.waitMs / 1000;
  if (process.platform === "win32" && taskRegistered()) {
    schtasks(commands.end);
    throw new PublicError(
      `the gateway did not stop within ${seconds} s, so the task was ended (a hard stop: its feature apps ended with it; the last minute of dwell time may be lost)`,
    );
  }
  throw new PublicError(`the gateway did not stop within ${seconds} s; see ${join(data, "logs", "gateway.log")}`);
}

async function status(context: Context): Promise<number> {
  if (process.platform === "win32") {
    const state = taskRegistered() ? taskState() : undefined;
    const task = !taskRegistered() ? "not installed" : state ? `installed, ${state}` : "installed (its state could not be read: PowerShell's Get-ScheduledTask did not answer)";
    console.log(`task "${TASK_NAME}": ${task}`);
  } else {
    console.log("service: on Linux, systemd's (systemctl status 5gfm)");
  }
  const health = await gatewayHealth(context.url);
  if (!health) {
    console.log(`server: not answering at ${context.url}`);
    return NOT_ANSWERING;
  }
  console.log(`server: answering at ${context.url} (version ${health.version}, up ${health.uptimeSeconds} s)`);
  return 0;
}

async function uninstall(context: Context, commands: ReturnType<typeof schtasksCommands>): Promise<number> {
  let code = 0;
  try {
    code = await stop(context, commands);
  } catch (error) {
    console.error((error as Error).message);
    code = 1;
  }
  if (!taskRegistered()) {
    console.log(`there was no task "${TASK_NAME}" to remove`);
  } else {
    const removed = schtasks(commands.uninstall);
    if (removed.code !== 0) throw new PublicError(`schtasks could not remove the task (exit ${removed.code}): ${removed.output}; run this from an administrator's command prompt`);
    console.log(`removed the task "${TASK_NAME}": the server no longer starts at boot`);
  }
  console.log(`kept the data folder ${context.config.data} (database, backups, logs): delete it yourself once it is no longer needed`);
  return code;
}

/** The supervisor (`service run`): its own lines go to logs/service.log; the gateway keeps logs/gateway.log. */
function run(config: Config, gatewayArgs: string[]): Promise<number> {
  const logFile = new RotatingLog(join(config.data, "logs", "service.log"), 1024 * 1024, 3);
  setLogSink((line) => {
    process.stderr.write(`${line}\n`);
    logFile.write(`${line}\n`);
  });
  const supervisor = superviseGateway({ command: [...selfCommand(), "serve", "--no-open", ...gatewayArgs], dataDir: config.data, log: createLogger("service") });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const) {
    try {
      process.on(signal, () => supervisor.stop(signal));
    } catch {
      // Not every signal exists on every platform (SIGBREAK is Windows-only).
    }
  }
  return supervisor.done;
}

function parseWait(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAIT_SECONDS * 1000;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new UsageError(`--wait-seconds must be a whole number from 1 to 3600, not '${text}'`);
  return seconds * 1000;
}

export const serviceCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const options = { ...COMMON_OPTIONS, print: { type: "boolean" }, port: { type: "string" }, "wait-seconds": { type: "string" } } as const;
    const { values, positionals } = parseCommandArgs(argv, options, true);
    const [action, extra] = positionals;
    if (!ACTIONS.includes(action as Action)) {
      const expected = "install, start, stop, status or uninstall";
      throw new UsageError(action ? `unknown action '${action}' (expected ${expected})` : `missing action: ${expected}`);
    }
    if (extra) throw new UsageError(`unexpected argument '${extra}'`);
    const waitMs = parseWait(values["wait-seconds"]);
    const layers = configLayersFromArgs(values);
    // The port may also have been changed in the console (stored in the database): ask where it really is.
    const config = (await effectiveConfig(layers).catch(() => undefined))?.config ?? resolveConfig(layers).config;
    const gatewayArgs = ["--data", config.data];
    if (config.configFile) gatewayArgs.push("--config", config.configFile);
    if (values.port) gatewayArgs.push("--port", String(config.port));
    const context: Context = { config, url: healthUrl(config), waitMs };
    const taskArgs = ["service", "run", ...gatewayArgs];

    if (action === "run") return run(config, gatewayArgs);
    if (action === "status") return status(context);
    const commands = schtasksCommands(join(tmpdir(), "5gfm-task.xml"));
    if (process.platform !== "win32") {
      if (action === "stop") return stop(context, commands);
      if (action !== "install") throw new PublicError(`on Linux the service is systemd's: systemctl ${action === "uninstall" ? "disable --now" : action} 5gfm`, undefined, 400);
      const [executable, ...script] = selfCommand();
      process.stdout.write(systemdUnit(executable!, [...script, "serve", "--no-open", ...gatewayArgs]));
      return 0;
    }
    if (values.print) {
      process.stdout.write(taskXml(process.execPath, taskArgs));
      const shown = action === "install" ? (["install", "start"] as const) : action === "uninstall" ? (["end", "uninstall"] as const) : action === "start" ? (["start"] as const) : (["end"] as const);
      for (const key of shown) console.log(commands[key].map(quoteWindows).join(" "));
      return 0;
    }
    if (action === "start") return start(context, commands);
    if (action === "stop") return stop(context, commands);
    if (action === "uninstall") return uninstall(context, commands);
    if (!IS_COMPILED) throw new PublicError("install the built executable as a service, not the development source (or use --print)", undefined, 400);
    // Task Scheduler reads task XML as UTF-16 with a byte-order mark.
    writeFileSync(commands.install[5]!, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(taskXml(process.execPath, taskArgs), "utf16le")]));
    const created = schtasks(commands.install);
    if (created.code !== 0) throw new PublicError(`schtasks could not create the task (exit ${created.code}): ${created.output}; run this from an administrator's command prompt`);
    console.log(`installed the task "${TASK_NAME}" (starts at boot as SYSTEM): ${[process.execPath, ...taskArgs].map(quoteWindows).join(" ")}`);
    return start(context, commands);
  },
};
