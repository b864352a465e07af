// Authenticode signing of the Windows executable, when the build is given a certificate:
//   FGM_SIGN_PFX=path/to/cert.pfx  FGM_SIGN_PASSWORD=…  [FGM_SIGN_TIMESTAMP_URL=http://timestamp…]
// With signtool on Windows, osslsigncode elsewhere. Without FGM_SIGN_PFX the exe stays unsigned and
// the build says so; given a certificate but no tool, the build fails rather than ship unsigned.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SignSettings {
  pfx?: string;
  password?: string;
  timestampUrl?: string;
}

export function signSettingsFromEnv(env: Record<string, string | undefined>): SignSettings {
  return { pfx: env.FGM_SIGN_PFX || undefined, password: env.FGM_SIGN_PASSWORD, timestampUrl: env.FGM_SIGN_TIMESTAMP_URL || undefined };
}

function run(command: string[]): void {
  const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command[0]} could not sign: ${(result.stderr.toString() || result.stdout.toString()).trim()}`);
}

/** Signs `file` in place; returns what was done, for the build's output. */
export function signExe(file: string, settings: SignSettings, description: string): string {
  if (!settings.pfx) return "not signed (set FGM_SIGN_PFX and FGM_SIGN_PASSWORD to sign with Authenticode)";
  if (process.platform === "win32" && Bun.which("signtool")) {
    const command = ["signtool", "sign", "/f", settings.pfx, "/fd", "SHA256", "/d", description];
    if (settings.password) command.push("/p", settings.password);
    if (settings.timestampUrl) command.push("/tr", settings.timestampUrl, "/td", "SHA256");
    run([...command, file]);
    return `signed with signtool (${settings.pfx})`;
  }
  if (!Bun.which("osslsigncode")) throw new Error("FGM_SIGN_PFX is set but neither signtool nor osslsigncode is installed (apt-get install osslsigncode)");
  // The password goes through a file readable by us only, not the command line others can list.
  const folder = mkdtempSync(join(tmpdir(), "5gfm-sign-"));
  try {
    const signed = join(folder, "signed.exe");
    const command = ["osslsigncode", "sign", "-pkcs12", settings.pfx, "-h", "sha256", "-n", description, "-in", file, "-out", signed];
    if (settings.password) {
      writeFileSync(join(folder, "password"), settings.password, { mode: 0o600 });
      command.push("-readpass", join(folder, "password"));
    }
    if (settings.timestampUrl) command.push("-ts", settings.timestampUrl);
    run(command);
    renameSync(signed, file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return `signed with osslsigncode (${settings.pfx})`;
}
