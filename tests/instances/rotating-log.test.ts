// Rotation never throws: a log whose rotation is refused keeps its lines (issue 15, defect 3). The
// Windows case, a reader holding the file without FILE_SHARE_DELETE, runs in tests/windows.
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RotatingLog } from "../../src/instances/rotating-log";
import { tempDir } from "../helpers/temp-dir";

test("past its size the log moves to .1, .2 … and the oldest is dropped", () => {
  using dir = tempDir();
  const path = join(dir.path, "a.log");
  const log = new RotatingLog(path, 100, 2);
  for (let i = 0; i < 10; i++) log.write(`${String(i).repeat(60)}\n`);
  expect(readdirSync(dir.path).sort()).toEqual(["a.log", "a.log.1", "a.log.2"]);
  expect(readFileSync(path, "utf8")).toBe(`${"9".repeat(60)}\n`);
  expect(readFileSync(`${path}.1`, "utf8")).toBe(`${"8".repeat(60)}\n`);
});

test("a rotation that cannot rename or copy is put off; no write throws and no line is lost", () => {
  using dir = tempDir();
  const path = join(dir.path, "a.log");
  // Non-empty folders where .1 and .2 should go: neither a rename nor a copy can replace them.
  for (const older of [`${path}.1`, `${path}.2`]) {
    mkdirSync(older);
    writeFileSync(join(older, "keep"), "");
  }
  const log = new RotatingLog(path, 100, 2);
  for (let i = 0; i < 10; i++) log.write(`line ${i} ${"x".repeat(50)}\n`);
  const lines = readFileSync(path, "utf8").trim().split("\n");
  expect(lines.map((l) => l.split(" ")[1])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
});
