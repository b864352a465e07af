// Where sign-in may send the browser: only a normalised path of this server. Each payload is one
// a browser would follow to another host once the URL parser has removed its dot segments.
import { describe, expect, test } from "bun:test";
import { safeNext } from "../../src/http/next-path";

describe("safeNext", () => {
  test.each([
    "//evil.example/phish",
    "/.//evil.example/phish",
    "/x/..//evil.example/phish",
    "/x/y/../..//evil.example/phish",
    "/%2e//evil.example/phish",
    "/%2E//evil.example/phish",
    "/%2e%2e//evil.example/phish",
    "/x/%2e%2e//evil.example/phish",
    "/x/.%2e//evil.example/phish",
    "/././/evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/ /evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/#//evil.example",
    "/\n/evil.example",
  ])("%p → the start page", (next) => {
    expect(safeNext(next)).toBe("/");
  });

  test.each([
    ["/admin", "/admin"],
    ["/app/sets/1?tab=history", "/app/sets/1?tab=history"],
    ["/app/./sets/1", "/app/sets/1"],
    ["/app/x/../sets", "/app/sets"],
    ["/%2Fevil.example", "/%2Fevil.example"],
  ])("%p → %p (a path of this server, normalised)", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
    expect(safeNext(expected)).toBe(expected);
  });

  test("anything but a string → the start page", () => {
    for (const next of [undefined, null, 3, ["/admin"], { a: 1 }]) expect(safeNext(next)).toBe("/");
  });
});
