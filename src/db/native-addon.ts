// The compiled executable carries libsql's native addon inside itself. Loading a .node file
// needs a real file on disk (Bun's in-memory extraction failed on Windows under Wine), so the
// embedded copy is written once to a per-version cache folder and required from there.
// build/build.ts routes libsql's own `require("@libsql/<platform>")` through this function.
// The build passes the addon's hash and size: reading the embedded copy to hash it at every start
// would pull its ~10 MB into each process's resident memory, where it stays.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublicError } from "../errors";

export function materializeAddon(embeddedPath: string, version: string, hash: string, size: number): string {
  const folder = join(tmpdir(), `5gfm-${version}`);
  const target = join(folder, `libsql-${hash}.node`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  assertPrivate(folder);
  // Another 5gfm process (a feature-app child) may already have it loaded; Windows forbids
  // overwriting a loaded DLL, so an identical file is reused rather than rewritten.
  if (existsSync(target) && statSync(target).size === size) return target;
  const bytes = new Uint8Array(require("node:fs").readFileSync(embeddedPath));
  const partial = `${target}.${process.pid}.tmp`;
  writeFileSync(partial, bytes);
  try {
    renameSync(partial, target);
  } catch (error) {
    // Lost a race with a sibling process that wrote the same bytes: theirs is as good.
    if (!existsSync(target)) throw error;
  }
  return target;
}

/**
 * A shared /tmp lets any local user create this folder first and plant a library in it that we
 * would then load. Only a folder that is ours and that no one else may write to is used. (Windows' temp
 * folder is the user's own.)
 */
function assertPrivate(folder: string): void {
  if (process.platform === "win32") return;
  const info = statSync(folder);
  if (info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) {
    throw new PublicError(`${folder} belongs to another user or others may write to it; remove it (or set TMPDIR to a private folder) and start again`);
  }
}
