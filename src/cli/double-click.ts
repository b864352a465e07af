// Started by a double-click: no arguments and a console window of its own. Windows closes that
// window the moment the process ends, so a failure would flash by unread; it waits for Enter instead.
import { readSync } from "node:fs";

export function startedByDoubleClick(argv: string[]): boolean {
  return argv.length === 0 && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
}

/** Blocks until the person presses Enter (or the input ends). */
export function pressEnterToClose(): void {
  process.stderr.write("\nPress Enter to close this window.\n");
  try {
    readSync(0, Buffer.alloc(256));
  } catch {
    // No usable input after all: nothing to wait for.
  }
}
