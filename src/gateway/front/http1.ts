// Just enough HTTP/1.1 for the front door (front-door.ts): finding where a head ends in a byte
// stream, reading a head into its parts, and telling where a response's body ends. Strict on
// purpose: a request head that is unusual in any way is not relayed by the front door but handed,
// byte for byte, to Bun's own HTTP server, which decides about it as it always did.

const CRLF_CRLF = Buffer.from("\r\n\r\n");
/** RFC 9110 token characters, the only ones a header name may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible characters, spaces and tabs: no CR, LF, NUL or other control character in a value. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Spaces and tabs around a field value, the only whitespace HTTP strips there. */
const OPTIONAL_WHITESPACE = /^[\t ]+|[\t ]+$/g;
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/;

export interface Head {
  /** Header names lower-cased, values trimmed, in the order sent. */
  fields: [string, string][];
  /** Bytes the head takes, its closing empty line included. */
  length: number;
}

export interface RequestHead extends Head {
  method: string;
  target: string;
  http11: boolean;
}

export interface ResponseHead extends Head {
  status: number;
  statusLine: string;
}

/** Where the head in `bytes` ends (past its empty line), or -1 while it has not all arrived. */
export function headEnd(bytes: Buffer): number {
  const at = bytes.indexOf(CRLF_CRLF);
  return at < 0 ? -1 : at + 4;
}

function parseFields(lines: string[]): [string, string][] | undefined {
  const fields: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    // No colon, an empty name, or a name with spaces or folding before the colon: not relayed.
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) return undefined;
    fields.push([name.toLowerCase(), value.replace(OPTIONAL_WHITESPACE, "")]);
  }
  return fields;
}

/** The head's first line, matched by `firstLine`, and its fields; undefined if either is unusual. */
function readHead(bytes: Buffer, length: number, firstLine: RegExp): { line: string; parts: RegExpExecArray; fields: [string, string][] } | undefined {
  const lines = bytes.toString("latin1", 0, length - 4).split("\r\n");
  const parts = firstLine.exec(lines[0]!);
  const fields = parts ? parseFields(lines) : undefined;
  return parts && fields ? { line: lines[0]!, parts, fields } : undefined;
}

/** The request head that `bytes` starts with (`length` from headEnd), or undefined if it is unusual. */
export function parseRequestHead(bytes: Buffer, length: number): RequestHead | undefined {
  const head = readHead(bytes, length, REQUEST_LINE);
  return head && { method: head.parts[1]!, target: head.parts[2]!, http11: head.parts[3] === "1", fields: head.fields, length };
}

export function parseResponseHead(bytes: Buffer, length: number): ResponseHead | undefined {
  const head = readHead(bytes, length, STATUS_LINE);
  return head && { status: Number(head.parts[1]), statusLine: head.line, fields: head.fields, length };
}

/** The value of the one field named `name`; undefined if absent, null if sent more than once. */
export function single(head: Head, name: string): string | undefined | null {
  let found: string | undefined;
  for (const [field, value] of head.fields) {
    if (field !== name) continue;
    if (found !== undefined) return null;
    found = value;
  }
  return found;
}

/** Connection options as a set of lower-cased names (`close`, `upgrade`, and headers to drop). */
export function connectionOptions(head: Head): Set<string> {
  const options = new Set<string>();
  for (const [name, value] of head.fields) {
    if (name !== "connection") continue;
    for (const option of value.split(",")) {
      const trimmed = option.trim().toLowerCase();
      if (trimmed) options.add(trimmed);
    }
  }
  return options;
}

/**
 * Where a response body ends, fed the bytes that follow the head as they arrive. A body is
 * either absent, a length, chunked, or runs until the app closes the connection.
 */
export class BodyFraming {
  private remaining: number;
  private readonly chunked: boolean;
  /** Chunked only: what the parser is reading now. */
  private state: "size" | "data" | "data-end" | "trailer" = "size";
  private line = "";
  private done: boolean;

  private constructor(
    private readonly kind: "none" | "length" | "chunked" | "close",
    private readonly length = 0,
  ) {
    this.chunked = kind === "chunked";
    this.remaining = kind === "close" ? Number.POSITIVE_INFINITY : length;
    this.done = kind === "none" || (kind === "length" && length === 0);
  }

  /** How the body of `response` is framed, or undefined if its framing headers are unusable. */
  static of(response: ResponseHead, requestMethod: string): BodyFraming | undefined {
    const { status } = response;
    if (requestMethod === "HEAD" || (status >= 100 && status < 200) || status === 204 || status === 304) return new BodyFraming("none");
    const encoding = single(response, "transfer-encoding");
    const length = single(response, "content-length");
    if (encoding === null || length === null || (encoding !== undefined && length !== undefined)) return undefined;
    if (encoding !== undefined) return encoding.toLowerCase() === "chunked" ? new BodyFraming("chunked") : undefined;
    if (length !== undefined) return /^\d{1,15}$/.test(length) ? new BodyFraming("length", Number(length)) : undefined;
    return new BodyFraming("close");
  }

  /** The same framing for another response with the same head, from its first byte. */
  again(): BodyFraming {
    return new BodyFraming(this.kind, this.length);
  }

  get complete(): boolean {
    return this.done;
  }

  /** True when the body runs until the connection closes, so the connection cannot be reused. */
  get untilClose(): boolean {
    return this.remaining === Number.POSITIVE_INFINITY;
  }

  /**
   * Takes the next bytes of the body; returns how many of them belong to it (fewer than given once
   * it is complete), or -1 if the chunked framing is broken.
   */
  feed(bytes: Uint8Array): number {
    if (!this.chunked) {
      const taken = Math.min(bytes.length, this.remaining);
      this.remaining -= taken;
      if (this.remaining === 0) this.done = true;
      return taken;
    }
    let at = 0;
    while (at < bytes.length && !this.done) {
      if (this.state === "data") {
        const taken = Math.min(bytes.length - at, this.remaining);
        at += taken;
        this.remaining -= taken;
        if (this.remaining === 0) this.state = "data-end";
        continue;
      }
      // Size lines, the CRLF after each chunk and trailer lines are read a byte at a time.
      const byte = bytes[at++]!;
      if (byte !== 0x0a) {
        this.line += String.fromCharCode(byte);
        if (this.line.length > 4096) return -1;
        continue;
      }
      if (!this.line.endsWith("\r")) return -1;
      const line = this.line.slice(0, -1);
      this.line = "";
      if (this.state === "data-end") {
        if (line !== "") return -1;
        this.state = "size";
      } else if (this.state === "size") {
        const size = /^([0-9a-fA-F]{1,12})(?:[\t ]*;.*)?$/.exec(line);
        if (!size) return -1;
        this.remaining = Number.parseInt(size[1]!, 16);
        this.state = this.remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        this.done = true;
      }
    }
    return at;
  }
}
