// WebSocket relay: the upstream socket to the user's instance is opened first (with the
// subprotocols the browser asked for), so a refused connection becomes an error answer instead
// of a socket that opens and dies; then the browser's socket is upgraded with the subprotocol the
// app chose, and every message, text or binary, is passed on both ways. Closing either side
// closes the other with the same code and reason. Each direction is bounded: Bun.serve closes a
// browser that does not read (backpressureLimit) or sends too large a message (maxPayloadLength),
// and the relay closes one whose app does not read (bufferedAmount).
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { createLogger } from "../log";

const log = createLogger("websocket");

const CONNECT_TIMEOUT_MS = 10_000;

type Payload = string | ArrayBuffer | Uint8Array;

export interface RelayData {
  userId: number;
  /** The gateway session this socket belongs to, for dwell time. */
  sessionId: number;
  /** The session was started by a script: this page opening the app makes it a visit. */
  scriptSession: boolean;
  /** The session cookie and address that opened it, to close it when the session ends. */
  token?: string;
  address: string;
  forget?: () => void;
  upstream: WebSocket;
  /** Messages from the app that arrived before the browser's side was open. */
  early: Payload[];
  closed: boolean;
}

/** What is counted when a relayed socket opens and closes (relay-accounting.ts). */
export interface SocketAccounting {
  socketOpened(ws: ServerWebSocket<RelayData>): void;
  socketClosed(data: RelayData): void;
}

export interface WebSocketLimits {
  /** Largest message a browser may send. */
  messageBytes: number;
  /** Data queued towards either side before the socket is closed. */
  bufferBytes: number;
}

export interface Upstream {
  socket: WebSocket;
  early: Payload[];
}

/** The subprotocols a browser asked for (Sec-WebSocket-Protocol, comma-separated). */
export function requestedProtocols(header: string | null | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}

export function connectUpstream(url: string, headers: Headers, protocols: string[]): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    // Bun's client takes headers in an options object, which the DOM typings do not know.
    const options: Bun.WebSocketOptions = { headers: Object.fromEntries(headers), protocols };
    const socket = new WebSocket(url, options as unknown as string[]);
    socket.binaryType = "arraybuffer";
    const early: Payload[] = [];
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("the feature app did not accept the WebSocket in time"));
    }, CONNECT_TIMEOUT_MS);
    socket.onmessage = (event) => early.push(event.data as Payload);
    socket.onopen = () => {
      clearTimeout(timer);
      resolve({ socket, early });
    };
    socket.onerror = () => {
      clearTimeout(timer);
      reject(new Error("the feature app refused the WebSocket"));
    };
  });
}

/** Codes 1005, 1006 and 1015 describe a close but may not be sent in one. */
function sendableCode(code: number | undefined, fallback: number): number {
  if (code === undefined || code === 1005) return 1000;
  if (code === 1006 || code === 1015) return fallback;
  return (code >= 1000 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : fallback;
}

function shortReason(reason: string | undefined): string {
  const bytes = new TextEncoder().encode(reason ?? "");
  return bytes.length <= 123 ? (reason ?? "") : new TextDecoder().decode(bytes.slice(0, 120));
}

export function createWebSocketRelay(accounting: SocketAccounting, limits: WebSocketLimits): WebSocketHandler<RelayData> {
  return {
    // A browser that stops reading is cut off rather than buffered without limit.
    backpressureLimit: limits.bufferBytes,
    closeOnBackpressureLimit: true,
    maxPayloadLength: limits.messageBytes,
    // Pings from the gateway notice dead browsers; idle ones are closed after two minutes of silence.
    sendPings: true,
    idleTimeout: 120,
    open(ws: ServerWebSocket<RelayData>) {
      const { upstream, early } = ws.data;
      accounting.socketOpened(ws);
      for (const message of early) ws.send(message);
      early.length = 0;
      upstream.onmessage = (event) => {
        if (!ws.data.closed) ws.send(event.data as Payload);
      };
      upstream.onclose = (event) => {
        if (ws.data.closed) return;
        ws.data.closed = true;
        ws.close(sendableCode(event.code, 1011), shortReason(event.reason));
      };
      upstream.onerror = () => {
        if (ws.data.closed) return;
        ws.data.closed = true;
        ws.close(1011, "feature app connection failed");
      };
      if (upstream.readyState !== WebSocket.OPEN && !ws.data.closed) {
        ws.data.closed = true;
        ws.close(1011, "feature app connection closed");
      }
    },
    message(ws, message) {
      const { upstream } = ws.data;
      if (upstream.readyState !== WebSocket.OPEN) return;
      if (upstream.bufferedAmount > limits.bufferBytes) {
        log.warn("closing a WebSocket whose feature app is not keeping up", { userId: ws.data.userId });
        ws.close(1013, "feature app is not keeping up");
        return;
      }
      upstream.send(message);
    },
    close(ws, code, reason) {
      accounting.socketClosed(ws.data);
      const { upstream } = ws.data;
      if (ws.data.closed) return;
      ws.data.closed = true;
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) {
        upstream.close(sendableCode(code, 1000), shortReason(reason));
      }
    },
  };
}
