// Whether the gateway answers: what `service install/start` wait for and `service status` reports.
import type { Config } from "../config";

export interface Health {
  version: string;
  uptimeSeconds: number;
}

/** Where this machine reaches the gateway configured here (loopback when it listens everywhere). */
export function healthUrl(config: Config): string {
  const scheme = config.tlsCert && config.tlsKey ? "https" : "http";
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "[::1]" : config.host.includes(":") ? `[${config.host}]` : config.host;
  return `${scheme}://${host}:${config.port}/healthz`;
}

/** The gateway's health answer, or undefined when nothing (or something else) answers within 2 s. */
export async function gatewayHealth(url: string): Promise<Health | undefined> {
  try {
    // The certificate is usually self-signed; this only asks whether our server is up on this machine.
    const response = await fetch(url, { signal: AbortSignal.timeout(2000), tls: { rejectUnauthorized: false } });
    const body = (await response.json()) as Partial<Health> & { status?: string };
    return response.ok && body.status === "ok" ? { version: String(body.version), uptimeSeconds: Number(body.uptimeSeconds) } : undefined;
  } catch {
    return undefined;
  }
}

/** Polls until `check` holds or `timeoutMs` passes; resolves to whether it held. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await Bun.sleep(everyMs);
  }
}
