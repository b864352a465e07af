// The Windows exe under Wine writes redirected output in the system's code page when that is Korean
// (Wine takes it from the locale: ko_KR gives OEM code page 949, C gives 437), so `type` shows Korean.
// Needs FGM_WINDOWS_EXE=/abs/path/5gfm-windows-x64.exe and Wine prepared by .ci/wine-setup.sh.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { REPO, runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

const EXE = process.env.FGM_WINDOWS_EXE;
const WINE_READY = existsSync(join(process.env.WINEPREFIX ?? join(homedir(), ".wine-5gfm"), "drive_c", "windows", "system32", "bcryptprimitives.dll"));
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_")));

/** `5gfm user list > file` under Wine in the given locale; the file's bytes. */
async function userListToFile(data: string, locale: string): Promise<Buffer> {
  using out = tempDir("5gfm-wine-out-");
  const file = join(out.path, "users.txt");
  const child = Bun.spawn(["bash", join(REPO, ".ci", "wine-run.sh"), EXE!, "user", "list", "--data", `Z:${data}`], {
    stdin: "ignore",
    stdout: Bun.file(file),
    stderr: "ignore",
    cwd: REPO,
    env: { ...CLEAN_ENV, LC_ALL: locale, LANG: locale },
  });
  expect(await child.exited).toBe(0);
  return readFileSync(file);
}

describe.skipIf(!EXE || !WINE_READY)("redirected CLI output under Wine", () => {
  test("on a Korean system it is CP949; on an English one UTF-8", async () => {
    using dir = tempDir();
    expect((await runCli(["user", "add", "kim", "--role", "admin", "--ip", "127.0.0.1", "--display-name", "관리자", "--data", dir.path])).code).toBe(0);
    const korean = await userListToFile(dir.path, "ko_KR.UTF-8");
    expect(korean.includes(Buffer.from([0xb0, 0xfc, 0xb8, 0xae, 0xc0, 0xda]))).toBe(true);
    expect(new TextDecoder("euc-kr").decode(korean)).toContain("127.0.0.1  editor   관리자");
    const english = await userListToFile(dir.path, "C");
    expect(new TextDecoder("utf-8", { fatal: true }).decode(english)).toContain("127.0.0.1  editor   관리자");
  }, 120_000);
});
