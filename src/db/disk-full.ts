// A full disk, told apart from every other failure: SQLite says SQLITE_FULL ("database or disk
// is full"), a file write says ENOSPC. Both apps answer it with 507 and words a person can act
// on, and the gateway raises its disk-full alert at once, instead of a generic "internal error".
import { statfsSync } from "node:fs";

/** Below this much free space the disk counts as full: SQLite needs room for a page or two and its WAL. */
export const DISK_FULL_FREE_BYTES = 1024 * 1024;

/** Whether the error (or anything in its cause chain) is a disk that has no room left. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === "SQLITE_FULL" || code === "ENOSPC") return true;
    if (typeof message === "string" && /SQLITE_FULL|database or disk is full|ENOSPC|no space left on device/i.test(message)) return true;
  }
  return false;
}

/** Free bytes on the disk that holds `path` (for whoever may write there), or null when it cannot be read. */
export function freeBytes(path: string): number | null {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}
