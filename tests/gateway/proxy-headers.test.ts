import { describe, expect, test } from "bun:test";
import { upstreamHeaders, withoutSessionCookie } from "../../src/gateway/proxy";

describe("headers sent to a feature app", () => {
  const target = { port: 8501, token: "t".repeat(43) };
  const identity = { clientAddress: "10.1.2.3", proto: "http" as const, host: "gw:8000", userName: "alice", role: "user" as const };

  test("hop-by-hop, spoofed identity and the gateway's cookie are dropped; ours are added", () => {
    const incoming = new Headers({
      connection: "keep-alive, x-secret-hop",
      "keep-alive": "timeout=5",
      "x-secret-hop": "1",
      "transfer-encoding": "chunked",
      host: "evil.example",
      "x-forwarded-for": "127.0.0.2",
      "x-fgm-user": "bob",
      "x-fgm-token": "forged",
      forwarded: "for=127.0.0.2",
      cookie: "lang=ko; fgm_session=SECRET; theme=dark",
      accept: "text/html",
      "content-type": "application/json",
    });
    const sent = upstreamHeaders(incoming, target, identity);
    expect(Object.fromEntries(sent)).toEqual({
      accept: "text/html",
      "content-type": "application/json",
      cookie: "lang=ko; theme=dark",
      "x-forwarded-for": "10.1.2.3",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "gw:8000",
      "x-fgm-token": target.token,
      "x-fgm-user": "alice",
      "x-fgm-role": "user",
    });
  });

  test.each([
    ["fgm_session=abc", ""],
    ["a=1; fgm_session=abc", "a=1"],
    ["fgm_session_x=1; b=2", "fgm_session_x=1; b=2"],
    [" a=1 ;b=2 ", "a=1; b=2"],
  ])("cookie %p -> %p", (input, expected) => {
    expect(withoutSessionCookie(input)).toBe(expected);
  });
});
