// The front door's HTTP/1.1 reading (src/gateway/front/http1.ts): what it accepts, what it leaves
// to Bun.serve, and where a response body ends however its bytes are split across reads.
import { describe, expect, test } from "bun:test";
import { BodyFraming, headEnd, parseRequestHead, parseResponseHead } from "../../src/gateway/front/http1";

function request(text: string) {
  const bytes = Buffer.from(text, "latin1");
  return parseRequestHead(bytes, headEnd(bytes));
}

function response(text: string) {
  const bytes = Buffer.from(text, "latin1");
  return parseResponseHead(bytes, headEnd(bytes));
}

/** Feeds `body` to the framing in pieces of `size` bytes; returns the bytes taken and whether it completed. */
function feedInPieces(framing: BodyFraming, body: Buffer, size: number): { taken: number; complete: boolean } {
  let taken = 0;
  for (let at = 0; at < body.length && !framing.complete; at += size) {
    const piece = body.subarray(at, at + size);
    const n = framing.feed(piece);
    if (n < 0) return { taken: -1, complete: false };
    taken += n;
  }
  return { taken, complete: framing.complete };
}

describe("request heads", () => {
  test("a plain GET is read into method, target and lower-cased fields", () => {
    const head = request("GET /app/x?y=1 HTTP/1.1\r\nHost: a:1\r\nCookie: k=v\r\n\r\nrest");
    expect(head).toMatchObject({ method: "GET", target: "/app/x?y=1", http11: true, fields: [["host", "a:1"], ["cookie", "k=v"]] });
    expect(head!.length).toBe("GET /app/x?y=1 HTTP/1.1\r\nHost: a:1\r\nCookie: k=v\r\n\r\n".length);
  });

  test("an incomplete head has no end yet", () => {
    expect(headEnd(Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n"))).toBe(-1);
  });

  test.each([
    ["folded header line", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"],
    ["space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"],
    ["no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n"],
    ["NUL in a value", "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n"],
    ["bare CR in a value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"],
    ["lower-case method", "get / HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["HTTP/2 on the request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n"],
    ["a space inside the target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"],
  ])("%s is not read (left to Bun.serve)", (_label, text) => {
    expect(request(text)).toBeUndefined();
  });
});

describe("response bodies", () => {
  const body = Buffer.concat([Buffer.from("5\r\nhello\r\n1a;ext=1\r\n"), Buffer.alloc(26, 0x61), Buffer.from("\r\n0\r\nTrailer: x\r\n\r\n")]);
  const next = Buffer.from("HTTP/1.1 200 OK\r\n");

  test.each([1, 2, 3, 7, 64, 4096])("a chunked body split every %i bytes ends exactly at its last byte", (size) => {
    const framing = BodyFraming.of(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")!, "GET")!;
    const result = feedInPieces(framing, Buffer.concat([body, next]), size);
    expect(result).toEqual({ taken: body.length, complete: true });
  });

  test.each([1, 5, 100])("a Content-Length body split every %i bytes takes exactly its length", (size) => {
    const framing = BodyFraming.of(response("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")!, "GET")!;
    expect(feedInPieces(framing, Buffer.from("hello worldHTTP/1.1"), size)).toEqual({ taken: 11, complete: true });
  });

  test("again() starts the same framing over for the next response", () => {
    const first = BodyFraming.of(response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")!, "GET")!;
    first.feed(Buffer.from("abc"));
    const second = first.again();
    expect(second.complete).toBe(false);
    expect(second.feed(Buffer.from("abcd"))).toBe(3);
    expect(second.complete).toBe(true);
  });

  test.each([
    ["HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"],
    ["GET", "HTTP/1.1 204 No Content\r\n\r\n"],
    ["GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"],
    ["GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
  ])("%s answered with %j has no body", (method, text) => {
    expect(BodyFraming.of(response(text)!, method)!.complete).toBe(true);
  });

  test("without a length or chunking the body runs until the app closes", () => {
    const framing = BodyFraming.of(response("HTTP/1.1 200 OK\r\n\r\n")!, "GET")!;
    expect(framing.untilClose).toBe(true);
    expect(framing.feed(Buffer.alloc(10_000))).toBe(10_000);
    expect(framing.complete).toBe(false);
  });

  test.each([
    ["both a length and chunking", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"],
    ["two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"],
    ["a length that is no number", "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\n"],
    ["an encoding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"],
  ])("%s is unusable framing", (_label, text) => {
    expect(BodyFraming.of(response(text)!, "GET")).toBeUndefined();
  });

  test.each([
    ["a size that is no hex number", "zz\r\nhello\r\n"],
    ["a chunk not followed by CRLF", "5\r\nhelloXY0\r\n\r\n"],
    ["a bare LF after the size", "5\nhello\r\n"],
  ])("%s breaks the chunked framing", (_label, text) => {
    const framing = BodyFraming.of(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")!, "GET")!;
    expect(framing.feed(Buffer.from(text))).toBe(-1);
  });
});
