// The Windows suite's harness: the built Windows executable run under Wine, the way an administrator
// meets it. A test file wraps itself in `describeWindows(...)`, which skips it unless
// FGM_WINDOWS_EXE names the exe (`npm run build -- --target windows-x64`, then
// `FGM_WINDOWS_EXE=$PWD/dist/5gfm-windows-x64.exe bun test tests/windows`; .ci/run does this after
// `bash .ci/wine-setup.sh`), so a plain `npm test` is unaffected.
import { describe } from "bun:test";
import { existsSync, linkSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type CliResult, REPO, type RunningServe, runCli, startServe } from "../helpers/cli";

export const WINDOWS_EXE = process.env.FGM_WINDOWS_EXE;
const WINE_RUN = join(REPO, ".ci", "wine-run.sh");

/** `describe` for a file of Windows tests: skipped when no Windows exe is given. */
export const describeWindows = describe.skipIf(!WINDOWS_EXE);

/** How Windows programs under Wine name a Linux path (drive Z: is the Linux root). */
export function windowsPath(linuxPath: string): string {
  return `Z:${linuxPath.replaceAll("/", "\\")}`;
}

/** The command line that runs a Windows exe under Wine. */
export function wineCommand(exe = WINDOWS_EXE!): string[] {
  return ["bash", WINE_RUN, exe];
}

/** Runs the Windows exe (or `exe`) once with these arguments. */
export function runExe(args: string[], options: { stdin?: string; env?: Record<string, string>; exe?: string } = {}): Promise<CliResult> {
  return runCli(args, { ...options, command: wineCommand(options.exe) });
}

/**
 * A folder for one test holding its own hard link of the exe (the data folder `5gfm-data` beside
 * it is then the default, as after a download) and a `data` path in Windows form.
 */
export function windowsFolder(): { path: string; exe: string; data: string; dataLinux: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "5gfm-win-"));
  const exe = join(path, "5gfm.exe");
  linkSync(WINDOWS_EXE!, exe);
  const dataLinux = join(path, "data");
  return {
    path,
    exe,
    data: windowsPath(dataLinux),
    dataLinux,
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Starts `serve` under Wine on a free port and waits for /healthz. Stopping sends SIGINT, which
 * Wine hands to the program as Ctrl+C: the graceful stop an administrator's Ctrl+C gives.
 */
export async function startWindowsServe(dataWindows: string, extraArgs: string[] = [], exe = WINDOWS_EXE!): Promise<RunningServe> {
  const serve = await startServe(dataWindows, extraArgs, {}, "http", wineCommand(exe));
  const stop = async () => {
    if (serve.child.exitCode === null) serve.child.kill("SIGINT");
    return serve.child.exited;
  };
  return { ...serve, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}

/** The hold-open helper (build/wine/hold-open.c) compiled once per test run. */
let holdOpenExe: string | undefined;
function holdOpen(): string {
  if (holdOpenExe && existsSync(holdOpenExe)) return holdOpenExe;
  const folder = mkdtempSync(join(tmpdir(), "5gfm-hold-open-"));
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  const out = join(folder, "hold-open.exe");
  const source = join(REPO, "build", "wine", "hold-open.c");
  const built = Bun.spawnSync(["x86_64-w64-mingw32-gcc", "-municode", "-O2", "-o", out, source], { stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`compiling ${basename(source)} failed:\n${built.stderr.toString()}`);
  holdOpenExe = out;
  return out;
}

export interface HeldFile extends AsyncDisposable {
  /** The holder's Windows process id. */
  pid: number;
  release(): Promise<void>;
}

/** Holds a file open without FILE_SHARE_DELETE (as a log viewer does) until released. */
export async function holdFileOpen(linuxPath: string): Promise<HeldFile> {
  const child = Bun.spawn([...wineCommand(holdOpen()), windowsPath(linuxPath)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`hold-open exited: ${await new Response(child.stderr).text()}`);
    text += new TextDecoder().decode(chunk.value);
  }
  const pid = Number(/held (\d+)/.exec(text)?.[1]);
  const release = async () => {
    child.stdin.end();
    await child.exited;
  };
  return { pid, release, [Symbol.asyncDispose]: release };
}
