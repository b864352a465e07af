// A damaged database at start: the refusal says what to do, naming the newest backup, and the
// command it gives works.
import { expect, test } from "bun:test";
import { openSync, rmSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

test("a damaged database names the newest backup and the 5gfm restore command that brings it back", async () => {
  using dir = tempDir();
  expect((await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path])).code).toBe(0);
  expect((await runCli(["backup", "--data", dir.path])).code).toBe(0);
  await Bun.sleep(1100); // backup names carry the second they were made
  const newest = (await runCli(["backup", "--data", dir.path])).stdout.match(/backup written to (\S+)/)?.[1];
  expect(newest).toBeDefined();
  // The header overwritten, as a failing disk or a half-copied file leaves it.
  const database = join(dir.path, "5gfm.db");
  for (const suffix of ["-wal", "-shm"]) rmSync(database + suffix, { force: true });
  const fd = openSync(database, "r+");
  writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
  closeSync(fd);

  const refused = await runCli(["serve", "--data", dir.path, "--no-open", "--port", "1"]);
  expect(refused.code).toBe(1);
  const advice = `restore the newest backup with: 5gfm restore "${newest}" --data "${dir.path}"`;
  expect(refused.stderr).toContain("file is not a database");
  expect(refused.stderr).toContain(advice);

  const restored = await runCli(["restore", newest!, "--data", dir.path]);
  expect(restored.code).toBe(0);
  await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
});
