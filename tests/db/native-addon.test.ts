// The libsql addon is written to the temp folder once and loaded from there: never from a folder
// another local user could have put a file in first.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { materializeAddon } from "../../src/db/native-addon";
import { tempDir } from "../helpers/temp-dir";

const savedTmp = process.env.TMPDIR;
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

describe("the addon's cache folder", () => {
  test("is created closed to others; the file is written once and then reused", () => {
    using dir = tempDir();
    process.env.TMPDIR = dir.path;
    const source = join(dir.path, "addon.bin");
    writeFileSync(source, "not really a library");
    const written = materializeAddon(source, "t1", "abc", 20);
    expect(readFileSync(written, "utf8")).toBe("not really a library");
    expect(statSync(join(dir.path, "5gfm-t1")).mode & 0o077).toBe(0);
    // Reused: the embedded copy is not read again (here it no longer exists).
    writeFileSync(source, "");
    expect(materializeAddon(join(dir.path, "gone.bin"), "t1", "abc", 20)).toBe(written);
  });

  test.skipIf(process.platform === "win32")("a folder others may write to is refused with a clear reason, and nothing is loaded from it", () => {
    using dir = tempDir();
    process.env.TMPDIR = dir.path;
    const planted = join(dir.path, "5gfm-t2");
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    writeFileSync(join(planted, "libsql-abc.node"), "x".repeat(20));
    expect(() => materializeAddon(join(dir.path, "addon.bin"), "t2", "abc", 20)).toThrow(/others may write to it; remove it/);
  });
});
