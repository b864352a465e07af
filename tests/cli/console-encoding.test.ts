// Redirected CLI output on a Korean Windows is written in its code page (949), so `type` and
// Notepad show Korean; FGM_OUTPUT_ENCODING overrides. The real bytes are checked through the CLI.
import { describe, expect, test } from "bun:test";
import { type EncodingFacts, chooseEncoding } from "../../src/cli/console-encoding";
import { REPO, cliCommand, runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

const facts = (over: Partial<EncodingFacts>): EncodingFacts => ({
  platform: "win32",
  isTTY: false,
  oemCodePage: () => 949,
  known: (name) => ["cp949", "cp932", "cp936", "cp950", "cp437", "cp1252"].includes(name),
  ...over,
});

describe("choosing the encoding of redirected output", () => {
  test.each([
    ["Korean Windows, redirected", {}, { kind: "codepage", name: "cp949" }],
    ["Japanese Windows, redirected", { oemCodePage: (): number => 932 }, { kind: "codepage", name: "cp932" }],
    ["Korean Windows, in the console window (Bun writes Unicode there)", { isTTY: true }, { kind: "utf-8", bom: false }],
    ["English Windows (437 cannot hold Korean): UTF-8", { oemCodePage: (): number => 437 }, { kind: "utf-8", bom: false }],
    ["Linux", { platform: "linux" }, { kind: "utf-8", bom: false }],
    ["asked for UTF-8 with a BOM", { requested: "UTF-8-BOM" }, { kind: "utf-8", bom: true }],
    ["asked for UTF-8 on Korean Windows", { requested: "utf-8" }, { kind: "utf-8", bom: false }],
    ["asked for cp949 on Linux", { platform: "linux", isTTY: true, requested: "cp949" }, { kind: "codepage", name: "cp949" }],
  ] as const)("%s", (_, over, expected) => {
    expect(chooseEncoding(facts(over as Partial<EncodingFacts>))).toEqual(expected as never);
  });

  test("an unknown FGM_OUTPUT_ENCODING is a clear usage error", () => {
    expect(() => chooseEncoding(facts({ requested: "klingon" }))).toThrow(
      "FGM_OUTPUT_ENCODING: unknown encoding 'klingon' (use utf-8, utf-8-bom or a code page such as cp949)",
    );
  });
});

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_")));

async function userListBytes(data: string, env: Record<string, string>): Promise<Uint8Array> {
  const child = Bun.spawn([...cliCommand(), "user", "list", "--data", data], { stdout: "pipe", stderr: "pipe", cwd: REPO, env: { ...CLEAN_ENV, ...env } });
  const bytes = new Uint8Array(await new Response(child.stdout).arrayBuffer());
  expect(await child.exited).toBe(0);
  return bytes;
}

describe("user list, redirected", () => {
  test("written in CP949, in UTF-8 with a BOM, or plain UTF-8, as chosen", async () => {
    using dir = tempDir();
    const added = await runCli(["user", "add", "kim", "--role", "admin", "--ip", "127.0.0.1", "--display-name", "관리자", "--data", dir.path]);
    expect(added.code).toBe(0);
    const cp949 = await userListBytes(dir.path, { FGM_OUTPUT_ENCODING: "cp949" });
    // 관리자 in CP949 is B0 FC B8 AE C0 DA.
    expect(Buffer.from(cp949).includes(Buffer.from([0xb0, 0xfc, 0xb8, 0xae, 0xc0, 0xda]))).toBe(true);
    expect(new TextDecoder("euc-kr").decode(cp949)).toMatch(/^NAME +ROLE[^\n]*\nkim +admin +yes +- +127\.0\.0\.1 +editor +관리자\n$/);
    const bom = await userListBytes(dir.path, { FGM_OUTPUT_ENCODING: "utf-8-bom" });
    expect([...bom.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, "N".charCodeAt(0)]);
    expect(new TextDecoder().decode(bom)).toContain("관리자");
    const plain = await userListBytes(dir.path, {});
    expect(plain[0]).toBe("N".charCodeAt(0));
    expect(new TextDecoder("utf-8", { fatal: true }).decode(plain)).toContain("관리자");
  });
});
