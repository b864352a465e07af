// A gateway that cannot start must leave a trace where an administrator looks even when no console
// window saw it (a scheduled task, a service): logs/gateway.log when the data folder can be
// written, and on Windows the Application event log as well (source "5gfm", through `eventcreate`,
// which Windows has built in; Wine has none, so there this part is skipped).
import type { RotatingLog } from "../instances/rotating-log";
import { formatLogLine } from "../log";

/** Records why the start failed; the console has the message already (printed by the CLI). */
export function reportStartFailure(message: string, logFile?: RotatingLog): void {
  logFile?.write(`${formatLogLine("error", "serve", "could not start", { reason: message })}\n`);
  if (process.platform === "win32") writeWindowsEvent(message);
}

function writeWindowsEvent(message: string): void {
  try {
    // eventcreate takes at most 255 characters for /D text.
    const text = `5gfm could not start: ${message}`.slice(0, 255);
    Bun.spawnSync(["eventcreate", "/T", "ERROR", "/ID", "1", "/L", "APPLICATION", "/SO", "5gfm", "/D", text], {
      stdio: ["ignore", "ignore", "ignore"],
    });
  } catch {
    // Best effort: the console and the log file have it already.
  }
}
