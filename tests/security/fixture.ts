// Shared setup for the hostile-input suite: a real gateway with a fixed cast of people, raw HTTP
// over a TCP socket from a chosen loopback address (for requests Node's client refuses to send),
// and snapshots of the database tables an attack must leave alone.
import { expect } from "bun:test";
import { createConnection } from "node:net";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { query, waitFor } from "../helpers/database";
import { Visitor } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

export const BOSS_PASSWORD = "boss-password-1";
export const CAROL_PASSWORD = "carol-password-1";

/** Who is who: each loopback address is one machine. */
export const ADDR = {
  /** boss: admin, password required. */
  boss: "127.0.0.1",
  /** alice: user, address alone is enough. */
  alice: "127.0.0.2",
  /** Nobody registered here. */
  stranger: "127.0.0.3",
  /** bob: user, address alone is enough. */
  bob: "127.0.0.4",
  /** carol: user, password required. */
  carol: "127.0.0.5",
  /** Nobody registered here either. */
  outsider: "127.0.0.7",
  /** A reverse proxy, trusted only where a test says so. */
  proxy: "127.0.0.9",
} as const;

export interface Cast {
  /** Extra `user add` argument lists (and a password on stdin), run after the standard cast. */
  extraUsers?: { args: string[]; stdin?: string }[];
  /** Options for each standard user, e.g. a display name. */
  displayNames?: Partial<Record<"boss" | "alice" | "bob" | "carol", string>>;
}

async function cli(args: string[], stdin?: string): Promise<void> {
  const result = await runCli(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0) throw new Error(`5gfm ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
}

/** Adds the standard cast (boss, alice, bob, carol) to a data folder with the real CLI. */
export async function addCast(dataDir: string, cast: Cast = {}): Promise<void> {
  const data = ["--data", dataDir];
  const display = (name: keyof NonNullable<Cast["displayNames"]>) => {
    const value = cast.displayNames?.[name];
    return value === undefined ? [] : ["--display-name", value];
  };
  // One at a time: each is its own process writing the same database file.
  await cli(["user", "add", "boss", "--role", "admin", "--ip", ADDR.boss, "--password-stdin", ...display("boss"), ...data], `${BOSS_PASSWORD}\n`);
  await cli(["user", "add", "alice", "--role", "user", "--ip", ADDR.alice, ...display("alice"), ...data]);
  await cli(["user", "add", "bob", "--role", "user", "--ip", ADDR.bob, ...display("bob"), ...data]);
  await cli(
    ["user", "add", "carol", "--role", "user", "--ip", ADDR.carol, "--password-stdin", "--require-password", ...display("carol"), ...data],
    `${CAROL_PASSWORD}\n`,
  );
  for (const extra of cast.extraUsers ?? []) await cli([...extra.args, ...data], extra.stdin);
}

export interface Site {
  dir: string;
  gateway: RunningServe;
  url: string;
  port: number;
  /** A browser tab at `address`, sending this site's Origin on forms. */
  visitor(address: string, headers?: Record<string, string>): Visitor;
  /** The gateway again on the same data folder (after a restart). */
  restart(extraArgs?: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A data folder with the standard cast and a running gateway (no spare instances unless asked). */
export async function openSite(options: { args?: string[]; cast?: Cast; setUp?: boolean } = {}): Promise<Site> {
  const dir = tempDir("5gfm-security-");
  if (options.setUp !== false) await addCast(dir.path, options.cast);
  const args = ["--spare-instances", "0", ...(options.args ?? [])];
  let gateway = await startServe(dir.path, args);
  const site: Site = {
    dir: dir.path,
    get gateway() {
      return gateway;
    },
    get url() {
      return gateway.url;
    },
    get port() {
      return gateway.port;
    },
    visitor: (address, headers = {}) => new Visitor(address, gateway.url, headers),
    async restart(extraArgs = []) {
      await gateway.stop();
      gateway = await startServe(dir.path, [...args, ...extraArgs]);
    },
    async close() {
      try {
        await gateway.stop();
      } finally {
        dir[Symbol.dispose]();
      }
    },
  };
  return site;
}

/** Signs in with a password; fails the test unless the gateway answers with the redirect of a success. */
export async function signIn(visitor: Visitor, name: string, password: string): Promise<Visitor> {
  const response = await visitor.post("/login", { name, password, next: "/" });
  if (response.status !== 303 || !visitor.cookies.has("fgm_session")) {
    throw new Error(`sign-in as ${name} failed: ${response.status} ${response.body.slice(0, 300)}`);
  }
  return visitor;
}

/** A visitor whose address alone lets them in: the first visit starts their session. */
export async function arrive(visitor: Visitor): Promise<Visitor> {
  const response = await visitor.get("/");
  if (response.status !== 303 || !visitor.cookies.has("fgm_session")) {
    throw new Error(`${visitor.address} was not let in: ${response.status} ${response.body.slice(0, 300)}`);
  }
  return visitor;
}

/** Waits until `visitor`'s own feature app answers (the first visit starts it). */
export async function appRunning(visitor: Visitor, who: string): Promise<void> {
  await waitFor(`${who}'s instance`, async () => (await visitor.get("/app/_health")).status === 200, 30_000);
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP/1.1 over TCP

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", " (set-cookie kept apart in setCookies). */
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
  /** Everything received, head and body, as latin1 text. */
  raw: string;
}

export function findHeadEnd(buffer: Buffer): number {
  return buffer.indexOf("\r\n\r\n");
}

export function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString("latin1").split(";")[0]!.trim(), 16);
    if (Number.isNaN(size)) return undefined;
    const start = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts);
    if (body.length < start + size + 2) return undefined;
    parts.push(body.subarray(start, start + size));
    at = start + size + 2;
  }
}

export function parseHead(head: string): Pick<RawResponse, "status" | "statusText" | "headers" | "setCookies"> {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "set-cookie") setCookies.push(value);
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: match ? Number(match[1]) : 0, statusText: match?.[2] ?? "", headers, setCookies };
}

/**
 * Sends `request` exactly as given (CRLFs and all) from `localAddress` to the gateway's port and
 * reads one response: complete by Content-Length, chunked end, a 101, or the server closing
 * (only the last with `untilClose`, for pipelined requests whose answers all land in `raw`).
 * Rejects if nothing complete arrives within `timeoutMs`, so a hang fails the test.
 */
export function rawRequest(
  port: number,
  localAddress: string,
  request: string | Uint8Array,
  options: { timeoutMs?: number; host?: string; untilClose?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: options.host ?? "127.0.0.1", port, localAddress });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      const headEnd = findHeadEnd(received);
      const raw = received.toString("latin1");
      if (headEnd < 0) return resolve({ status: 0, statusText: "", headers: {}, setCookies: [], body: "", raw });
      const head = parseHead(received.subarray(0, headEnd).toString("latin1"));
      const rest = received.subarray(headEnd + 4);
      const chunkedBody = head.headers["transfer-encoding"]?.toLowerCase().includes("chunked") ? dechunk(rest) : undefined;
      resolve({ ...head, body: (chunkedBody ?? rest).toString("utf8"), raw });
    };
    const complete = (): boolean => {
      if (options.untilClose) return false;
      const headEnd = findHeadEnd(received);
      if (headEnd < 0) return false;
      const head = parseHead(received.subarray(0, headEnd).toString("latin1"));
      if (head.status === 101 || head.status === 204 || head.status === 304) return true;
      const body = received.subarray(headEnd + 4);
      const length = head.headers["content-length"];
      if (length !== undefined) return body.length >= Number(length);
      if (head.headers["transfer-encoding"]?.toLowerCase().includes("chunked")) return dechunk(body) !== undefined;
      return false;
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete answer within ${options.timeoutMs ?? 10_000} ms; got ${JSON.stringify(received.toString("latin1").slice(0, 300))}`)),
      options.timeoutMs ?? 10_000,
    );
    socket.on("connect", () => socket.write(typeof request === "string" ? Buffer.from(request, "utf8") : request));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (complete()) finish();
    });
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A server that answers and then resets the connection still answered.
      if (findHeadEnd(received) >= 0) finish();
      else if (error.code === "ECONNRESET" || error.code === "EPIPE") finish();
      else finish(error);
    });
  });
}

/** Builds a request text: request line, `Host`, the given header lines, `Connection: close` unless given, and the body. */
export function httpText(method: string, target: string, port: number, headerLines: string[] = [], body = ""): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  if (!headerLines.some((line) => /^host:/i.test(line))) lines.push(`Host: 127.0.0.1:${port}`);
  lines.push(...headerLines);
  if (!headerLines.some((line) => /^connection:/i.test(line))) lines.push("Connection: close");
  if (body && !headerLines.some((line) => /^(content-length|transfer-encoding):/i.test(line))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

// ---------------------------------------------------------------------------------------------
// Database snapshots

/**
 * The tables an attack could touch, each read in a fixed order, without the columns that change
 * on their own: a session's last_seen_at (touched by any legitimate request), an instance's
 * activity and sampling columns.
 */
const TABLES: Record<string, string> = {
  users: "SELECT id, name, display_name, role, password_hash, require_password, enabled, created_at, updated_at FROM users ORDER BY id",
  user_ip_rules: "SELECT id, user_id, rule FROM user_ip_rules ORDER BY id",
  sessions: "SELECT id, token_hash, user_id, address, user_agent, method, created_at, ended_at, end_reason FROM sessions ORDER BY id",
  access_requests: "SELECT * FROM access_requests ORDER BY id",
  audit_log: "SELECT id, actor, action, address, target, detail FROM audit_log ORDER BY id",
  login_failures: "SELECT id, name, address FROM login_failures ORDER BY id",
  instance_records: "SELECT key, user_id FROM instance_records ORDER BY key",
  instance_starts: "SELECT id, user_id, kind FROM instance_starts ORDER BY id",
  settings: "SELECT key, value, updated_at, updated_by FROM settings ORDER BY key",
};
export type TableName = keyof typeof TABLES & string;
export const ALL_TABLES = Object.keys(TABLES) as TableName[];
export type Snapshot = Record<string, Record<string, unknown>[]>;

export async function snapshot(dataDir: string, tables: readonly TableName[] = ALL_TABLES): Promise<Snapshot> {
  const entries = await Promise.all(tables.map(async (table) => [table, await query(dataDir, TABLES[table]!)] as const));
  return Object.fromEntries(entries);
}

/** Fails, naming the table, if any snapshotted table differs now. */
export async function expectUnchanged(dataDir: string, before: Snapshot, what = "the attack"): Promise<void> {
  const after = await snapshot(dataDir, Object.keys(before) as TableName[]);
  for (const table of Object.keys(before)) {
    expect({ table, rows: after[table] }, `${what} changed ${table}`).toEqual({ table, rows: before[table] });
  }
}

/** Rows added to a table since a snapshot (tables only ever appended to by these tests). */
export async function rowsAddedSince(dataDir: string, before: Snapshot, table: TableName): Promise<Record<string, unknown>[]> {
  const now = await query(dataDir, TABLES[table]!);
  return now.slice(before[table]?.length ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Refusals

/** A refusal: a 4xx (never a 5xx, never a success or a hang), or one of `statuses` exactly. */
export function expectRefused(response: { status: number; body?: string }, label: string, statuses?: number[]): void {
  const { status } = response;
  const wanted = statuses ? statuses.join(" or ") : "a 4xx";
  const detail = `${label}: expected ${wanted}, got ${status} ${response.body?.slice(0, 200) ?? ""}`;
  expect(statuses ? statuses.includes(status) : status >= 400 && status < 500, detail).toBe(true);
}

/** How hono/jsx writes text into HTML: the five characters that matter, as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** The headers of a WebSocket handshake (the key is the RFC 6455 sample). */
export const WEBSOCKET_HANDSHAKE = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"];

/** One raw request to a site from an address: `raw(site, ADDR.alice, "GET", "/app/", ["Cookie: …"])`. */
export function raw(
  site: Pick<Site, "port">,
  address: string,
  method: string,
  target: string,
  headerLines: string[] = [],
  body = "",
): Promise<RawResponse> {
  return rawRequest(site.port, address, httpText(method, target, site.port, headerLines, body));
}

