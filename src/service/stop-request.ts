// A graceful stop from outside the gateway's console. Windows has no signal one process can send
// another to ask it to stop (taskkill /f and schtasks /End terminate at once), so `5gfm service stop`
// leaves a file in the data folder and the gateway, which looks for it twice a second, shuts down as
// on Ctrl+C: feature apps stopped, dwell time flushed, database closed. Only those who may write the
// data folder (the service account, administrators) can ask, and they could change the database anyway.
// A request is judged by its time, not by whether it could be removed: on Windows an antivirus or
// indexer may hold the file for a moment, and a left-over request must never stop a later start.
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const STOP_FILE = "stop-request";
const CLEAN_STOP_FILE = "gateway.stopped";
const POLL_MS = 500;

export function stopRequestFile(dataDir: string): string {
  return join(dataDir, STOP_FILE);
}

export function requestStop(dataDir: string): void {
  writeFileSync(stopRequestFile(dataDir), `${new Date().toISOString()} pid ${process.pid}\n`);
}

/** Removes the request if it can; one that stays is harmless, being older than whatever starts next. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Held open for a moment by another program: see the header.
  }
}

/**
 * A request counts for a process if made at most this long before it started: one made while a
 * supervisor was between two gateways reaches the next gateway; a left-over from an earlier run does not.
 */
const HANDOFF_MS = 5000;

/** Takes a stop request meant for a process started at `startedAt` (ms since the epoch): true if there is one. Older ones are removed, never obeyed. */
export function takeStopRequest(dataDir: string, startedAt: number): boolean {
  let madeAt: number;
  try {
    madeAt = statSync(stopRequestFile(dataDir)).mtimeMs;
  } catch {
    return false;
  }
  removeQuietly(stopRequestFile(dataDir));
  return madeAt >= startedAt - HANDOFF_MS;
}

/** Withdraws a request nobody took (`service stop` gave up waiting). */
export function withdrawStopRequest(dataDir: string): void {
  removeQuietly(stopRequestFile(dataDir));
}

/** Calls onStop once when a stop is requested. Returns the function that stops watching. */
export function watchStopRequest(dataDir: string, onStop: () => void): () => void {
  const startedAt = Date.now();
  const timer = setInterval(() => {
    if (!takeStopRequest(dataDir, startedAt)) return;
    clearInterval(timer);
    onStop();
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The gateway leaves this mark at the very end of a graceful stop, so its supervisor can tell a stop
 * from a crash. The exit code cannot: under Wine a process killed from outside exits with 0.
 */
export function recordCleanStop(dataDir: string): void {
  try {
    writeFileSync(join(dataDir, CLEAN_STOP_FILE), `${new Date().toISOString()} pid ${process.pid}\n`);
  } catch {
    // Without the mark a supervisor starts the gateway again: the safe side of a stop that was asked for.
  }
}

/** Whether the gateway stopped gracefully since the last call (the mark is removed). */
export function takeCleanStop(dataDir: string): boolean {
  const file = join(dataDir, CLEAN_STOP_FILE);
  if (!existsSync(file)) return false;
  removeQuietly(file);
  return true;
}
