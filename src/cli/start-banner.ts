// What the console window says once the gateway answers: where colleagues point their browsers
// (this machine's name and addresses, not "localhost", which only works here) and that this window
// is the server.
import { hostname, networkInterfaces } from "node:os";
import type { Config } from "../config";

/** This machine's IPv4 addresses other computers can reach (loopback and link-local left out). */
function reachableAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === "IPv4" && !a.internal && !a.address.startsWith("169.254."))
    .map((a) => a!.address);
}

export function startBanner(url: string, config: Config): string {
  const { protocol, port } = new URL(url);
  const at = (host: string) => `${protocol}//${host}:${port}/`;
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const lines = [`5G Feature Manager is running at ${url} (data: ${config.data}).`];
  if (wildcard) {
    const others = reachableAddresses().map(at);
    lines.push(`Colleagues open ${at(hostname())} in their browsers${others.length ? ` (or ${others.join(", ")})` : ""}.`);
  } else if (config.host.startsWith("127.") || config.host === "::1" || config.host === "localhost") {
    lines.push("Only this computer can reach it (--host is a loopback address).");
  }
  lines.push("Closing this window or pressing Ctrl+C stops the server for everyone.");
  return lines.join("\n");
}
