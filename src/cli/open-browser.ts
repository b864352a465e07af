import { createLogger } from "../log";

const log = createLogger("serve");

/**
 * Opens the default browser the way a double-clicked program should; failure is only logged.
 * Resolves once the opener has handed the address over (at most a few seconds). On Windows Bun's
 * children die with it (one job object; even `detached` ones, oven-sh/bun#31603), while what they
 * start in turn may leave the job: a caller about to exit waits for rundll32 to finish its part.
 * (Wine does not reproduce that kill, so tests/windows cannot tell the difference.)
 */
export async function openBrowser(url: string): Promise<void> {
  const command =
    process.platform === "win32"
      ? ["rundll32", "url.dll,FileProtocolHandler", url]
      : process.platform === "darwin"
        ? ["open", url]
        : ["xdg-open", url];
  try {
    const child = Bun.spawn(command, { stdio: ["ignore", "ignore", "ignore"] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const enough = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), 5000)));
    const code = await Promise.race([child.exited, enough]);
    clearTimeout(timer);
    if (code !== 0) log.warn("could not open a browser; open the address yourself", { url });
  } catch {
    log.warn("could not open a browser; open the address yourself", { url });
  }
}
