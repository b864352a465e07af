// A graceful stop from outside the gateway's console. Windows has no signal one process can send
// another to ask it to stop (taskkill /f and schtasks /End terminate at once), so `5gfm service stop`
// leaves a file in the data folder and the gateway, which looks for it twice a second, shuts down as
// on Ctrl+C: feature apps stopped, dwell time flushed, database closed. Only those who may write the
// data folder (the service account, administrators) can ask, and they could change the database anyway.
import { existsSync, rmSync, writeFileSync } from "node:fs";
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

/** Whether a stop was asked for and not yet taken by a gateway (or a supervisor between gateways). */
export function stopPending(dataDir: string): boolean {
  return existsSync(stopRequestFile(dataDir));
}

/** Takes a pending stop request: true if there was one. */
export function takeStopRequest(dataDir: string): boolean {
  if (!stopPending(dataDir)) return false;
  rmSync(stopRequestFile(dataDir), { force: true });
  return true;
}

/**
 * Calls onStop once when a stop is requested. A request left from before (nothing was running to
 * take it) is dropped first, so it cannot stop a later start. Returns the function that stops watching.
 */
export function watchStopRequest(dataDir: string, onStop: () => void): () => void {
  takeStopRequest(dataDir);
  const timer = setInterval(() => {
    if (!takeStopRequest(dataDir)) return;
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
  writeFileSync(join(dataDir, CLEAN_STOP_FILE), `${new Date().toISOString()} pid ${process.pid}\n`);
}

/** Whether the gateway stopped gracefully since the last call (the mark is removed). */
export function takeCleanStop(dataDir: string): boolean {
  const file = join(dataDir, CLEAN_STOP_FILE);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}
