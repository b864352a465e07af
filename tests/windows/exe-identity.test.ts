// The Windows exe presents itself as 5G Feature Manager (icon and version resource), and rewriting its
// resources after `bun build --compile` leaves Bun's embedded program working: it still runs and serves.
// Needs the built exe: FGM_WINDOWS_EXE=/abs/path/5gfm-windows-x64.exe (skipped without it). Reading the
// resources runs anywhere; running the exe needs Wine prepared by .ci/wine-setup.sh.
import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import * as ResEdit from "resedit";
import { readResources } from "../../build/exe-resources";
import { ICON_FILE } from "../../build/icon/draw-icon";
import { signExe } from "../../build/sign-exe";
import { REPO, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

const EXE = process.env.FGM_WINDOWS_EXE;
const WINE_READY = existsSync(join(process.env.WINEPREFIX ?? join(homedir(), ".wine-5gfm"), "drive_c", "windows", "system32", "bcryptprimitives.dll"));
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const RT_ICON = 3;
const RT_GROUP_ICON = 14;
const RT_MANIFEST = 24;

/** Runs the exe to its end; output through files, since a Wine service it wakes may inherit a pipe and hold it open. */
async function wine(exe: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  using dir = tempDir("5gfm-wine-out-");
  const [out, err] = [join(dir.path, "out"), join(dir.path, "err")];
  const child = Bun.spawn(["bash", join(REPO, ".ci", "wine-run.sh"), exe, ...args], { stdin: "ignore", stdout: Bun.file(out), stderr: Bun.file(err), cwd: REPO });
  const code = await child.exited;
  return { code, stdout: readFileSync(out, "utf8"), stderr: readFileSync(err, "utf8") };
}

/** The images of an .ico file, in its order. */
function icoImages(ico: Buffer): Buffer[] {
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.subarray(ico.readUInt32LE(6 + 16 * i + 12), ico.readUInt32LE(6 + 16 * i + 12) + ico.readUInt32LE(6 + 16 * i + 8)));
}

describe.skipIf(!EXE)("the Windows exe's identity (resources read back)", () => {
  test("its version resource names 5G Feature Manager, our company, package.json's version and 5gfm.exe, not Bun", () => {
    const entries = readResources(EXE!);
    const infos = ResEdit.Resource.VersionInfo.fromEntries(entries);
    expect(infos).toHaveLength(1);
    const info = infos[0]!;
    expect(info.getAllLanguagesForStringValues()).toEqual([{ lang: 1033, codepage: 1200 }]);
    expect(info.getStringValues({ lang: 1033, codepage: 1200 })).toEqual({
      ProductName: "5G Feature Manager",
      FileDescription: "5G Feature Manager",
      CompanyName: "5G Feature Manager Project",
      FileVersion: VERSION,
      ProductVersion: VERSION,
      OriginalFilename: "5gfm.exe",
      InternalName: "5gfm",
      LegalCopyright: "© 5G Feature Manager Project",
    });
    const [major, minor, patch] = VERSION.split(".").map(Number) as [number, number, number];
    expect(info.fixedInfo.fileVersionMS).toBe(major * 0x10000 + minor);
    expect(info.fixedInfo.fileVersionLS).toBe(patch * 0x10000);
    expect(info.fixedInfo.productVersionMS).toBe(info.fixedInfo.fileVersionMS);
  });

  test("its one icon group is build/icon/5gfm.ico, every size of it, and Bun's manifest is kept", () => {
    const entries = readResources(EXE!);
    const groups = ResEdit.Resource.IconGroupEntry.fromEntries(entries);
    expect(groups).toHaveLength(1);
    const images = icoImages(readFileSync(ICON_FILE));
    const icons = new Map(entries.filter((entry) => entry.type === RT_ICON).map((entry) => [entry.id, Buffer.from(entry.bin)]));
    const members = groups[0]!.icons.map((member) => icons.get(member.iconID));
    expect(members).toHaveLength(images.length);
    expect(members.map((bytes, i) => bytes?.equals(images[i]!))).toEqual(images.map(() => true));
    expect(icons.size).toBe(images.length);
    expect(entries.filter((entry) => entry.type === RT_GROUP_ICON)).toHaveLength(1);
    expect(entries.some((entry) => entry.type === RT_MANIFEST)).toBe(true);
  });
});

describe.skipIf(!EXE || !WINE_READY)("the Windows exe under Wine after its resources were rewritten", () => {
  test("--version runs Bun's embedded program", async () => {
    const result = await wine(EXE!, ["--version"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toStartWith(`5gfm ${VERSION} `);
    expect(result.code).toBe(0);
  });

  test("serve starts and answers /healthz with the version", async () => {
    using dir = tempDir();
    await using serve = await startServe(`Z:${dir.path}`, [], {}, "http", ["bash", join(REPO, ".ci", "wine-run.sh"), EXE!]);
    const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { status: string; version: string };
    expect(health).toMatchObject({ status: "ok", version: VERSION });
  }, 90_000);

  test.skipIf(!Bun.which("osslsigncode") || !Bun.which("openssl"))("signed with a certificate from the environment, it carries a signature and still runs", async () => {
    using dir = tempDir();
    const key = join(dir.path, "key.pem");
    const cert = join(dir.path, "cert.pem");
    const pfx = join(dir.path, "sign.pfx");
    for (const command of [
      ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=5gfm test signer"],
      ["openssl", "pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", "pass:s3cret"],
    ]) {
      expect(Bun.spawnSync(command, { stdout: "ignore", stderr: "pipe" }).exitCode).toBe(0);
    }
    const exe = join(dir.path, "5gfm.exe");
    copyFileSync(EXE!, exe);
    expect(signExe(exe, { pfx, password: "s3cret" }, "5G Feature Manager")).toContain("signed with osslsigncode");
    const extracted = Bun.spawnSync(["osslsigncode", "extract-signature", "-in", exe, "-out", join(dir.path, "sig.der")], { stdout: "pipe", stderr: "pipe" });
    expect(extracted.exitCode).toBe(0);
    const signer = Bun.spawnSync(["openssl", "pkcs7", "-inform", "DER", "-in", join(dir.path, "sig.der"), "-print_certs", "-noout"], { stdout: "pipe" });
    expect(signer.stdout.toString()).toContain("5gfm test signer");
    // The signature is appended after Bun's program: the program must still be found.
    const result = await wine(exe, ["--version"]);
    expect(result.stdout).toStartWith(`5gfm ${VERSION} `);
    expect(result.code).toBe(0);
  }, 90_000);
});
