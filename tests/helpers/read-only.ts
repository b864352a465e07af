// A folder nobody may write to, for the "read-only data folder" tests. chmod is enough for a normal
// user; root ignores it, so as root the folder is made immutable (chattr +i) instead.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function writable(dir: string): boolean {
  const probe = join(dir, ".probe");
  try {
    writeFileSync(probe, "");
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Makes `dir` (created if missing) read-only until disposed. */
export function readOnlyFolder(dir: string): Disposable {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o555);
  let immutable = false;
  if (writable(dir)) {
    immutable = Bun.spawnSync(["chattr", "+i", dir]).exitCode === 0;
    if (writable(dir)) throw new Error(`cannot make ${dir} read-only here (neither chmod nor chattr +i works)`);
  }
  return {
    [Symbol.dispose]() {
      if (immutable) Bun.spawnSync(["chattr", "-i", dir]);
      chmodSync(dir, 0o755);
    },
  };
}
