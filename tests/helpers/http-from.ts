// HTTP from a chosen loopback address (127.0.0.2, 127.0.0.3, …), so each simulated person reaches
// the gateway as a different machine would; a Visitor keeps its cookies like a browser tab.
import { request } from "node:http";

export interface FromResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location?: string;
}

export function requestFrom(
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<FromResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", localAddress, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, location: res.headers.location }),
      );
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<FromResponse> {
  return requestFrom(localAddress, url, { headers });
}

export class Visitor {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly address: string,
    readonly baseUrl: string,
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(
    method: string,
    path: string,
    /** A form (sent as a browser would) or a raw body (JSON for the APIs). */
    options: { form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {},
  ): Promise<FromResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let body = options.body;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin ??= this.baseUrl;
    }
    const response = await requestFrom(this.address, `${this.baseUrl}${path}`, { method, headers, body });
    const setCookies = response.headers["set-cookie"] ?? [];
    for (const line of Array.isArray(setCookies) ? setCookies : [setCookies]) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", ...rest] = pair.split("=");
      const value = rest.join("=");
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request("GET", path, { headers });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request("POST", path, { form, headers });
  }
}

/**
 * A WebSocket opened from a chosen source address (Bun's WebSocket client cannot pick one):
 * the handshake by hand over node:http; resolves with the raw socket once upgraded.
 */
export function openWebSocketFrom(localAddress: string, url: string, cookie: string): Promise<import("node:net").Socket> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      localAddress,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
        cookie,
        origin: new URL(url).origin,
      },
    });
    // Frames that came in the same packet as the 101 are handed back to the socket, not lost.
    req.on("upgrade", (_res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
}
