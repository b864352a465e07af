// Which requests the front door (front-door.ts) relays to a user's app itself, and the heads it
// sends each way: a request to /app/… from a signed-in person whose instance runs — a GET or HEAD
// without a body, a POST, PUT, PATCH or DELETE with a Content-Length from a page of this server,
// or their app's WebSocket from a page of this server. It makes the full route's checks (Host,
// client address, session, the paths closed to browsers, same origin) and adds the same headers
// both ways; anything else is left to the full route.
import { parse as parseCookies } from "hono/utils/cookie";
import type { ClientAddress } from "../../http/client-address";
import { securityHeaderList } from "../../http/security-headers";
import { isSameOrigin } from "../../http/same-origin";
import type { InstancePool } from "../../instances/instance-pool";
import type { DwellTracker } from "../../monitoring/dwell-tracker";
import type { RequestStats } from "../../monitoring/request-stats";
import type { SessionSockets } from "../session-sockets";
import { appPathClosed } from "../app-paths";
import type { Identity } from "../context";
import { SESSION_COOKIE } from "../identity";
import { HOP_BY_HOP, type ProxyTarget, identityFields, passedToApp, passedToBrowser, withoutSessionCookie } from "../proxy";
import { type RequestHead, type ResponseHead, connectionOptions, single } from "./http1";

export interface Lane {
  /** The user's instance, on 127.0.0.1. */
  readonly port: number;
  /** The request head for the app, its closing empty line included. */
  readonly head: Buffer;
  readonly websocket: boolean;
  /** Bytes of request body that follow the head (its Content-Length). */
  readonly bodyLength: number;
  /** The browser's response head for the app's: status line and fields, without the closing empty line. */
  answer(response: ResponseHead): string;
  /**
   * Whether the very same request head may take this lane again: the identity is still the one
   * remembered, the instance the same, and the Host still one the server answers to.
   */
  stillValid(): boolean;
  /** An HTTP exchange that began at `startedAt` (performance.now()) is over, with this status. */
  finished(status: number, startedAt: number): void;
  /** A WebSocket opened (`close` ends it) and, later, closed. */
  opened(close: () => void): void;
  closed(): void;
}

export type LaneChooser = (head: RequestHead, peer: string) => Lane | undefined | Promise<Lane | undefined>;

export interface FrontLaneDeps {
  hostCheck: (sent: string) => Response | undefined;
  clientAddress: (raw: string, forwardedFor: () => string | undefined) => ClientAddress;
  /** The identity of a session cookie sent from this address, if it is valid. */
  identity: (token: string, address: string) => Promise<Identity | undefined>;
  /** The same, from memory only: undefined when it would take a lookup. */
  rememberedIdentity: (token: string, address: string) => Identity | undefined;
  pool: InstancePool;
  requests: RequestStats;
  dwell: DwellTracker;
  sockets: SessionSockets;
  diagnostics: () => boolean;
  https: boolean;
}

/**
 * Paths the app would read the same as written: no percent-encoding, backslash or dot segment,
 * which a URL parser would turn into another path than the one checked here.
 */
const PLAIN_APP_PATH = /^\/app\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
const PLAIN_QUERY = /^[\x21-\x7e]*$/;
/** The largest request body the gateway takes (Bun.serve's default, made explicit). */
export const MAX_REQUEST_BODY_BYTES = 128 * 1024 * 1024;
/** Methods relayed with a body; a form post or script call to the app must come from its own pages. */
const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Answered by the gateway itself (retrying a failed instance), never by the app. */
const GATEWAY_APP_PATH = "/app/_retry";

function sameOrigin(head: RequestHead, host: string, https: boolean): boolean {
  return isSameOrigin(single(head, "origin") ?? single(head, "referer"), host, https);
}

class AppLane implements Lane {
  readonly head: Buffer;
  /** A WebSocket lane's registration with SessionSockets, undone when it closes. */
  private forget?: () => void;

  constructor(
    private readonly deps: FrontLaneDeps,
    private readonly request: { token: string; address: string; host: string; path: string },
    private readonly identity: Identity,
    private readonly target: ProxyTarget,
    head: string,
    readonly websocket: boolean,
    readonly bodyLength: number,
  ) {
    this.head = Buffer.from(head, "latin1");
  }

  get port(): number {
    return this.target.port;
  }

  answer(response: ResponseHead): string {
    return answerHead(response, this.websocket, this.deps.https);
  }

  stillValid(): boolean {
    const { deps, request, identity } = this;
    const target = deps.pool.target(identity.user.id);
    return (
      deps.rememberedIdentity(request.token, request.address) === identity &&
      target?.port === this.target.port &&
      target.token === this.target.token &&
      !deps.hostCheck(request.host) &&
      !appPathClosed(request.path, deps.diagnostics())
    );
  }

  finished(status: number, startedAt: number): void {
    if (status < 500) this.deps.pool.touch(this.identity.user.id);
    this.deps.requests.record(performance.now() - startedAt, true);
  }

  opened(close: () => void): void {
    this.deps.pool.touch(this.identity.user.id);
    this.deps.pool.socketOpened(this.identity.user.id);
    this.deps.dwell.opened(this.identity.session.id);
    this.forget = this.deps.sockets.add(this.request.token, this.request.address, close);
  }

  closed(): void {
    this.forget?.();
    this.deps.pool.socketClosed(this.identity.user.id);
    this.deps.dwell.closed(this.identity.session.id);
  }
}

export function createFrontLane(deps: FrontLaneDeps): LaneChooser {
  return (head, peer) => {
    const safe = head.method === "GET" || head.method === "HEAD";
    if (!head.http11 || (!safe && !WITH_BODY.has(head.method))) return undefined;
    const queryAt = head.target.indexOf("?");
    const path = queryAt < 0 ? head.target : head.target.slice(0, queryAt);
    if (queryAt >= 0 && !PLAIN_QUERY.test(head.target.slice(queryAt))) return undefined;
    if (!PLAIN_APP_PATH.test(path) || DOT_SEGMENT.test(path) || appPathClosed(path, deps.diagnostics())) return undefined;
    if (single(head, "transfer-encoding") !== undefined || single(head, "expect") !== undefined) return undefined;
    const length = single(head, "content-length");
    const bodyLength = length === undefined ? 0 : length && /^\d{1,10}$/.test(length) ? Number(length) : Number.NaN;
    if (!(bodyLength <= (safe ? 0 : MAX_REQUEST_BODY_BYTES)) || (safe && length !== undefined)) return undefined;
    const host = single(head, "host");
    if (!host || deps.hostCheck(host)) return undefined;
    if (!safe && (path === GATEWAY_APP_PATH || !sameOrigin(head, host, deps.https))) return undefined;
    const upgrade = single(head, "upgrade");
    const websocket = upgrade !== undefined;
    if (websocket && (upgrade?.toLowerCase() !== "websocket" || !connectionOptions(head).has("upgrade") || !sameOrigin(head, host, deps.https))) {
      return undefined;
    }
    const cookie = single(head, "cookie");
    const token = cookie ? parseCookies(cookie, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
    const forwardedFor = single(head, "x-forwarded-for");
    if (!token || forwardedFor === null) return undefined;
    const address = deps.clientAddress(peer, () => forwardedFor).text;
    const request = { token, address, host, path };
    const toLane = (identity: Identity | undefined) => identity && laneFor(head, request, websocket, bodyLength, identity);
    const remembered = deps.rememberedIdentity(token, address);
    return remembered ? toLane(remembered) : deps.identity(token, address).then(toLane);
  };

  function laneFor(head: RequestHead, request: AppLane["request"], websocket: boolean, bodyLength: number, identity: Identity): Lane | undefined {
    const { user } = identity;
    const target = deps.pool.target(user.id);
    if (!target) return undefined;
    const listed = connectionOptions(head);
    let text = `${head.method} ${head.target} HTTP/1.1\r\nhost: 127.0.0.1:${target.port}\r\n`;
    for (const [name, value] of head.fields) {
      if (name === "cookie") {
        const kept = withoutSessionCookie(value);
        if (kept) text += `cookie: ${kept}\r\n`;
      } else if (passedToApp(name, listed) || (websocket && name.startsWith("sec-websocket-"))) {
        text += `${name}: ${value}\r\n`;
      }
    }
    if (websocket) text += "upgrade: websocket\r\nconnection: upgrade\r\n";
    const proto = deps.https ? ("https" as const) : ("http" as const);
    const forwarded = { clientAddress: request.address, proto, host: request.host, userName: user.name, role: user.role };
    for (const [name, value] of identityFields(target, forwarded)) text += `${name}: ${value}\r\n`;
    return new AppLane(deps, request, identity, target, `${text}\r\n`, websocket, bodyLength);
  }
}

/**
 * The app's response head as the browser gets it: hop-by-hop fields dropped except the framing
 * (the body is relayed as the app framed it) and, for a WebSocket, the upgrade; the gateway's
 * security headers in place of any the app set.
 */
function answerHead(response: ResponseHead, websocket: boolean, https: boolean): string {
  const listed = connectionOptions(response);
  const security = securityHeaderList(https, single(response, "content-type") ?? null);
  let text = response.statusLine;
  for (const [name, value] of response.fields) {
    const framing = name === "transfer-encoding" || name === "content-length";
    const upgrade = websocket && response.status === 101 && (name === "upgrade" || name === "connection");
    if (!framing && !upgrade && (HOP_BY_HOP.has(name) || listed.has(name))) continue;
    if (!passedToBrowser(name, value) || security.some(([own]) => own === name)) continue;
    text += `\r\n${name}: ${value}`;
  }
  for (const [name, value] of security) text += `\r\n${name}: ${value}`;
  return text;
}
