// The diag endpoints that prove large bodies stream through intact.
import { describe, expect, test } from "bun:test";
import { rawStatus, startFeatureApp } from "./instance";

const FIVE_MB = 5 * 1024 * 1024;
const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

describe("feature-app diag endpoints", () => {
  test("upload counts and hashes a 5 MB body, streamed or not", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const body = new Uint8Array(FIVE_MB);
    crypto.getRandomValues(body.subarray(0, 65536));
    for (let i = 65536; i < body.length; i++) body[i] = (i * 13) & 0xff;
    const expected = { bytes: FIVE_MB, sha256: sha256(body) };

    const whole = await fetch(`${app.url}/app/_diag/upload`, { method: "POST", headers: app.auth, body });
    expect(whole.status).toBe(200);
    expect(await whole.json()).toEqual(expected);

    // Chunked, in pieces of odd sizes, as a proxy relaying a stream would send it.
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close();
        const end = Math.min(body.length, offset + 100_003);
        controller.enqueue(body.slice(offset, end));
        offset = end;
      },
    });
    const chunked = await fetch(`${app.url}/app/_diag/upload`, { method: "POST", headers: app.auth, body: stream, duplex: "half" } as RequestInit);
    expect(await chunked.json()).toEqual(expected);

    const empty = await fetch(`${app.url}/app/_diag/upload`, { method: "POST", headers: app.auth });
    expect(await empty.json()).toEqual({ bytes: 0, sha256: sha256(new Uint8Array(0)) });
  });

  test("an upload announcing more than 1 GiB is refused with 413", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const request = [
      "POST /app/_diag/upload HTTP/1.1",
      "Host: 127.0.0.1",
      `X-FGM-Token: ${app.token}`,
      `Content-Length: ${1024 ** 3 + 1}`,
      "",
      "",
    ].join("\r\n");
    expect(await rawStatus(app.port, request)).toBe(413);
  });

  test("download streams N bytes of the pattern, matching x-content-sha256", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    for (const bytes of [FIVE_MB + 77, 0, 1]) {
      const response = await fetch(`${app.url}/app/_diag/download?bytes=${bytes}`, { headers: app.auth });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      const body = new Uint8Array(await response.arrayBuffer());
      expect(body.length).toBe(bytes);
      expect(response.headers.get("x-content-sha256")).toBe(sha256(body));
      const firstWrong = body.findIndex((value, i) => value !== ((i * 31 + 7) & 0xff));
      expect(firstWrong).toBe(-1);
    }
  });

  test("download refuses a byte count that is not an integer from 0 to 1 GiB with 400", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    for (const bytes of ["-1", "2000000000", "1073741825", "1.5", "1e3", "abc", ""]) {
      const response = await fetch(`${app.url}/app/_diag/download?bytes=${bytes}`, { headers: app.auth });
      expect(`${bytes} ${response.status}`).toBe(`${bytes} 400`);
      expect((await response.json()).error).toContain("bytes");
    }
  });
});
