// One gateway per data folder: a second one would share the database and fight over app ports.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PublicError } from "./errors";

const LOCK_FILE = "gateway.pid";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid of a live gateway serving this folder, if any; a lock left by a dead one is ignored. */
export function gatewayPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, LOCK_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataFolder(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const other = gatewayPid(dataDir);
  if (other !== undefined) {
    throw new PublicError(`another 5gfm gateway (pid ${other}) is already serving ${dataDir}`);
  }
  const fd = openSync(path, "w");
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => rmSync(path, { force: true });
}
