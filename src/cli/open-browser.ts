import { createLogger } from "../log";

const log = createLogger("serve");

/** Opens the default browser the way a double-clicked program should; failure is only logged. */
export function openBrowser(url: string): void {
  const command =
    process.platform === "win32"
      ? ["rundll32", "url.dll,FileProtocolHandler", url]
      : process.platform === "darwin"
        ? ["open", url]
        : ["xdg-open", url];
  try {
    const child = Bun.spawn(command, { stdio: ["ignore", "ignore", "ignore"] });
    child.exited.then((code) => {
      if (code !== 0) log.warn("could not open a browser; open the address yourself", { url });
    });
  } catch {
    log.warn("could not open a browser; open the address yourself", { url });
  }
}
