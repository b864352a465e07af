// The Origin check as a function: the scheme the server speaks and its very host and port.
import { describe, expect, test } from "bun:test";
import { isSameOrigin } from "../../src/http/same-origin";
import { createHostCheck } from "../../src/http/host-check";

describe("isSameOrigin", () => {
  test.each([
    ["http://127.0.0.1:8000", "127.0.0.1:8000", false, true],
    ["http://127.0.0.1:8000/admin/x", "127.0.0.1:8000", false, true],
    ["https://127.0.0.1:8000", "127.0.0.1:8000", false, false],
    ["http://127.0.0.1:8443", "127.0.0.1:8443", true, false],
    ["https://127.0.0.1:8443", "127.0.0.1:8443", true, true],
    ["http://localhost", "localhost:80", false, true],
    ["https://localhost", "localhost:443", true, true],
    ["http://LOCALHOST:8000", "localhost:8000", false, true],
    ["ws://127.0.0.1:8000", "127.0.0.1:8000", false, false],
    ["http://127.0.0.1:8001", "127.0.0.1:8000", false, false],
    ["http://127.0.0.1:8000@evil.example", "127.0.0.1:8000", false, false],
    ["null", "127.0.0.1:8000", false, false],
    [undefined, "127.0.0.1:8000", false, false],
    ["http://127.0.0.1:8000", undefined, false, false],
  ])("%p for Host %p (https %p) → %p", (source, host, https, expected) => {
    expect(isSameOrigin(source, host, https)).toBe(expected);
  });
});

describe("host check", () => {
  const check = createHostCheck(() => ["fgm.example.net"]);
  test.each(["evil.localhost", "a.b.localhost:8000", "localhost.evil.example", "fgm.example.net.evil.example"])("%p is not answered", (host) => {
    expect(check(host)?.status).toBe(421);
  });
  test.each(["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "fgm.example.net", "FGM.example.net:8000"])("%p is answered", (host) => {
    expect(check(host)).toBeUndefined();
  });
});
