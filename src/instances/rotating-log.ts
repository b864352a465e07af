// Per-instance log files that never grow without bound: past maxBytes the file becomes .1, the
// old .1 becomes .2, and so on; the oldest is dropped.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";

export class RotatingLog {
  private size: number;

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
    if (this.size + bytes.length > this.maxBytes && this.size > 0) this.rotate();
    appendFileSync(this.path, bytes);
    this.size += bytes.length;
  }

  /** Continues in another file: what was written so far is appended to it (or becomes it). */
  moveTo(target: string): void {
    if (existsSync(this.path)) {
      if (existsSync(target)) {
        appendFileSync(target, readFileSync(this.path));
        rmSync(this.path);
      } else {
        renameSync(this.path, target);
      }
    }
    this.path = target;
    this.size = existsSync(target) ? statSync(target).size : 0;
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }

  /** The last lines, for the console's log view. */
  tail(maxLines: number): string[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, "utf8");
    return text.split("\n").filter(Boolean).slice(-maxLines);
  }
}
