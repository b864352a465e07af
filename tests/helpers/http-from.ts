// HTTP requests from a chosen loopback address (127.0.0.2, 127.0.0.3, …), so each simulated
// person reaches the gateway as a different machine would.
import { request } from "node:http";

export interface FromResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function getFrom(
  localAddress: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<FromResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", localAddress, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
