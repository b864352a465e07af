// Log files that never grow without bound: past maxBytes the file becomes .1, the old .1 becomes
// .2, and so on; the oldest is dropped. Used for gateway.log and each instance's log.
//
// Writing a log line never throws. On Windows another program reading the log (PowerShell's
// `Get-Content -Wait`, an editor, a log shipper) often holds it open without FILE_SHARE_DELETE, and
// then it cannot be renamed (EBUSY): the lines are copied into .1 and the file emptied in place
// instead, and when even that fails the rotation is tried again a minute later while lines go on
// being appended. A line that cannot be written at all is counted and reported once on stderr.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { dirname } from "node:path";

const RETRY_MS = 60_000;

export class RotatingLog {
  private size: number;
  private retryAt = 0;
  private lostLines = 0;

  constructor(
    public path: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (this.size + bytes.length > this.maxBytes && this.size > 0 && Date.now() >= this.retryAt) this.rotate();
    try {
      appendFileSync(this.path, bytes);
      this.size += bytes.length;
    } catch (error) {
      if (this.lostLines++ === 0) {
        process.stderr.write(`cannot write to ${this.path} (${(error as NodeJS.ErrnoException).code ?? error}); its lines are lost until it can be written\n`);
      }
    }
  }

  /** Continues in another file: what was written so far is appended to it (or becomes it). */
  moveTo(target: string): void {
    try {
      if (existsSync(this.path)) {
        if (existsSync(target)) {
          appendFileSync(target, readFileSync(this.path));
          rmSync(this.path);
        } else {
          renameSync(this.path, target);
        }
      }
    } catch {
      // Held open by a reader: its lines stay where they are, and new ones go to the new file.
    }
    this.path = target;
    this.size = existsSync(target) ? statSync(target).size : 0;
  }

  private rotate(): void {
    try {
      this.shiftOlder();
      renameSync(this.path, `${this.path}.1`);
    } catch {
      try {
        // Held open by a reader: copy and empty in place (a reader following it sees it restart).
        copyFileSync(this.path, `${this.path}.1`);
        truncateSync(this.path, 0);
      } catch {
        this.retryAt = Date.now() + RETRY_MS;
        return;
      }
    }
    this.size = 0;
    this.retryAt = 0;
  }

  /** .1 → .2 … (the oldest dropped), each step skipped when that file is held open. */
  private shiftOlder(): void {
    const attempt = (step: () => void) => {
      try {
        step();
      } catch {
        // That older file is held: it stays, and the next one overwrites it or waits.
      }
    };
    attempt(() => rmSync(`${this.path}.${this.keep}`, { force: true }));
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) attempt(() => renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`));
    }
  }

  /** The last lines, for the console's log view. */
  tail(maxLines: number): string[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, "utf8");
    return text.split("\n").filter(Boolean).slice(-maxLines);
  }
}
