// The gateway's public port. Bun.serve answers a request only after
// building a Request, a Response and their headers, which made relaying a user's app traffic
// cost twice nginx's CPU. The front door takes the TCP connections itself: a request the front
// lane (front-lane.ts) accepts is relayed to the user's instance as bytes, over a kept-alive
// connection, and a WebSocket it accepts is piped both ways after the app's 101. Every other
// request — and the rest of that connection, whatever comes next — is handed byte for byte to the
// gateway's Bun.serve (the router) on a loopback port, which answers it exactly as it would have
// with no front door; `carried` tells the router which client each of those connections carries.
import type { Socket, SocketHandler, TCPSocketListener } from "bun";
import type { Lane, LaneChooser } from "./front-lane";
import { BodyFraming, connectionOptions, headEnd, parseRequestHead, parseResponseHead } from "./http1";

/** A request head longer than this is left to the router, whose own limit then applies. */
const MAX_REQUEST_HEAD = 16 * 1024;
const MAX_RESPONSE_HEAD = 64 * 1024;
/** How long the app may take to start answering before the router is asked instead. */
const RESPONSE_HEAD_SECONDS = 60;
/** What a client may send ahead of the answer it waits for before the front door stops reading. */
const MAX_AHEAD = 64 * 1024;
/** A client silent this long in the middle of its body, when the app gives up on it, stalled. */
const STALLED_BODY_MS = 5000;
/** Kept-alive connections to one instance, waiting for the next request. */
const MAX_IDLE_PER_PORT = 64;

/** Bytes accepted for a socket that it could not take yet, and the reader paused until it does. */
interface Flow {
  queue: Uint8Array[];
  paused?: Socket<Flow>;
  endWhenDrained?: boolean;
  /** A client that takes none of its queued bytes for this long is cut off (its timeout handler). */
  stallSeconds?: number;
}

interface ClientState extends Flow {
  /** The socket's peer address, as the OS gives it. */
  peer: string;
  phase: "head" | "deciding" | "exchange" | "piped" | "closed";
  /** Received and not handled yet. */
  pending?: Buffer;
  /** The app during an exchange or a WebSocket; the router once handed over. */
  upstream?: Socket<UpstreamState>;
  closeAfter: boolean;
  /** Request body bytes still to come from the client and go to the app. */
  bodyLeft: number;
  /** When the client last sent anything (performance.now()). */
  heardAt: number;
  /** The client sent its FIN: nothing more will come from it. */
  ended: boolean;
  /**
   * The last request head relayed, and its lane. A browser or a script sends the same head again
   * and again on a kept-alive connection; the same bytes need no second reading while the lane
   * still holds (Lane.stillValid).
   */
  last?: { head: Buffer; lane: Lane; method: string; close: boolean };
}

interface UpstreamState extends Flow {
  to: "app" | "router";
  port: number;
  /** The router connection's own port, by which the router asks whose it is. */
  localPort?: number;
  client?: Socket<ClientState>;
  phase: "connecting" | "waiting" | "body" | "idle" | "piped";
  lane?: Lane;
  method?: string;
  startedAt: number;
  /** The client's request as it came, sent to the router instead if the app does not answer. */
  request?: Buffer;
  /** The app's response head as far as it has arrived. */
  head?: Buffer;
  framing?: BodyFraming;
  status: number;
  reusable: boolean;
  sentToClient: boolean;
  /** The last response head from the app on this connection, and what the client got for it. */
  answered?: Answered;
}

interface Answered {
  head: Buffer;
  method: string;
  /** The client's head, closing empty line included. */
  answer: Buffer;
  framing: BodyFraming;
  status: number;
  reusable: boolean;
}

export interface FrontDoorOptions {
  hostname: string;
  port: number;
  /** HTTPS: TLS ends here, and the router behind is told (GatewayServices.https). */
  tls?: { cert: string; key: string };
  routerPort: number;
  chooseLane: LaneChooser;
  /** The client carried by each of the front door's connections to the router, by their local port. */
  carried: Map<number, string>;
  /** A client that sends no complete request for this long is disconnected. */
  idleSeconds: number;
}

/** What the client gets for the app's response head `head` (a copy is kept), or undefined if it is unusable. */
function answerFor(head: Buffer, method: string, lane: Lane): Answered | undefined {
  const response = parseResponseHead(head, head.length);
  if (!response || response.status < 200) return undefined;
  const framing = BodyFraming.of(response, method);
  if (!framing) return undefined;
  return {
    head: Buffer.from(head),
    method,
    answer: Buffer.from(`${lane.answer(response)}\r\n\r\n`, "latin1"),
    framing,
    status: response.status,
    reusable: !connectionOptions(response).has("close"),
  };
}

const CLOSE_FIELD = Buffer.from("connection: close\r\n\r\n", "latin1");
function closingAnswer(statusLine: string, error: string): Buffer {
  const body = JSON.stringify({ error });
  return Buffer.from(
    `HTTP/1.1 ${statusLine}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
    "latin1",
  );
}
const BAD_GATEWAY = closingAnswer("502 Bad Gateway", "unavailable");
/** The app gave up waiting for a body the client stopped sending. */
const REQUEST_TIMEOUT = closingAnswer("408 Request Timeout", "the request body stopped arriving");

function withConnectionClose(answer: Buffer): Buffer {
  return Buffer.concat([answer.subarray(0, answer.length - 2), CLOSE_FIELD]);
}

function append(pending: Buffer | undefined, chunk: Buffer): Buffer {
  return pending ? Buffer.concat([pending, chunk]) : chunk;
}

/** Writes what the socket takes now and queues the rest, pausing `from` until the socket drains. */
function send(to: Socket<Flow>, bytes: Uint8Array, from?: Socket<Flow>): void {
  if (bytes.length === 0) return;
  if (to.data.queue.length === 0) {
    const written = to.write(bytes);
    if (written < 0 || written === bytes.length) return;
    bytes = bytes.subarray(written);
  }
  // A copy: the socket's chunk is not kept past its callback.
  to.data.queue.push(new Uint8Array(bytes));
  if (to.data.stallSeconds) to.timeout(to.data.stallSeconds);
  if (from) {
    from.pause();
    to.data.paused = from;
  }
}

function drained(socket: Socket<Flow>): void {
  const { queue } = socket.data;
  while (queue.length > 0) {
    const next = queue[0]!;
    const written = socket.write(next);
    if (written < 0) return;
    if (written < next.length) {
      queue[0] = next.subarray(written);
      // Progress: the stall timer starts over.
      if (written > 0 && socket.data.stallSeconds) socket.timeout(socket.data.stallSeconds);
      return;
    }
    queue.shift();
  }
  socket.data.paused?.resume();
  socket.data.paused = undefined;
  if (socket.data.endWhenDrained) socket.end();
}

function endWhenDrained(socket: Socket<Flow>): void {
  if (socket.data.queue.length === 0) socket.end();
  else socket.data.endWhenDrained = true;
}

export function startFrontDoor(options: FrontDoorOptions): TCPSocketListener<ClientState> {
  const idle = new Map<number, Socket<UpstreamState>[]>();

  function upstreamState(to: UpstreamState["to"], port: number, client: Socket<ClientState>): UpstreamState {
    return { to, port, client, phase: "connecting", queue: [], status: 0, reusable: true, sentToClient: false, startedAt: 0 };
  }

  /** The rest of this connection goes to the router, starting with what has not been handled. */
  function handOver(client: Socket<ClientState>): void {
    client.data.phase = "piped";
    client.resume();
    Bun.connect<UpstreamState>({
      hostname: "127.0.0.1",
      port: options.routerPort,
      data: upstreamState("router", options.routerPort, client),
      socket: upstreamHandlers,
    }).catch(() => client.terminate());
  }

  function nextRequest(client: Socket<ClientState>): void {
    const state = client.data;
    if (state.phase !== "head") return;
    const pending = state.pending;
    const end = pending ? headEnd(pending) : -1;
    if (!pending || end < 0) {
      // A client that sent its FIN has nothing more to ask once its whole requests are answered.
      if (state.ended) endWhenDrained(client);
      else if (pending && pending.length > MAX_REQUEST_HEAD) handOver(client);
      return;
    }
    if (end > MAX_REQUEST_HEAD) {
      handOver(client);
      return;
    }
    const startedAt = performance.now();
    const request = pending.subarray(0, end);
    const last = state.last;
    if (last && request.equals(last.head) && last.lane.stillValid()) {
      state.pending = end < pending.length ? pending.subarray(end) : undefined;
      state.closeAfter = last.close;
      startExchange(client, last.lane, last.method, request, startedAt);
      return;
    }
    const head = parseRequestHead(pending, end);
    if (!head) {
      handOver(client);
      return;
    }
    const chosen = options.chooseLane(head, state.peer);
    const go = (lane: Lane | undefined) => {
      if (state.phase === "closed") return;
      if (!lane) return handOver(client);
      const received = state.pending!;
      state.pending = end < received.length ? received.subarray(end) : undefined;
      const close = connectionOptions(head).has("close");
      state.last = lane.websocket ? undefined : { head: Buffer.from(request), lane, method: head.method, close };
      state.closeAfter = close;
      startExchange(client, lane, head.method, request, startedAt);
    };
    if (!(chosen instanceof Promise)) {
      go(chosen);
      return;
    }
    // More may arrive while the identity is looked up; it is appended to state.pending.
    state.phase = "deciding";
    chosen.then(
      (lane) => {
        if (state.phase !== "deciding") return;
        state.phase = "head";
        go(lane);
      },
      () => {
        if (state.phase === "deciding") handOver(client);
      },
    );
  }

  function startExchange(client: Socket<ClientState>, lane: Lane, method: string, request: Buffer, startedAt: number): void {
    client.data.phase = "exchange";
    const begin = (upstream: Socket<UpstreamState>) => {
      const state = upstream.data;
      state.client = client;
      state.lane = lane;
      state.method = method;
      state.request = request;
      state.startedAt = startedAt;
      state.phase = "waiting";
      state.head = undefined;
      state.framing = undefined;
      state.sentToClient = false;
      client.data.upstream = upstream;
      client.data.bodyLeft = lane.bodyLength;
      upstream.timeout(RESPONSE_HEAD_SECONDS);
      send(upstream, lane.head);
      forwardBody(client);
    };
    // A request with a body goes on a new connection: one kept alive may have been closed by the
    // app meanwhile, and a body already sent cannot be sent again through the router.
    const kept = lane.websocket || lane.bodyLength > 0 ? undefined : idle.get(lane.port)?.pop();
    if (kept) {
      kept.resume();
      begin(kept);
      return;
    }
    const data = upstreamState("app", lane.port, client);
    data.request = request;
    Bun.connect<UpstreamState>({ hostname: "127.0.0.1", port: lane.port, data, socket: upstreamHandlers }).then(
      (upstream) => {
        if (data.client && data.client.data.phase !== "closed") begin(upstream);
        else upstream.end();
      },
      () => appFailed(data),
    );
  }

  /** Passes on as much of the request body as has arrived; the rest of `pending` is the next request. */
  function forwardBody(client: Socket<ClientState>): void {
    const state = client.data;
    const pending = state.pending;
    if (state.bodyLeft === 0 || !pending || !state.upstream) return;
    const part = Math.min(state.bodyLeft, pending.length);
    state.bodyLeft -= part;
    state.pending = part < pending.length ? pending.subarray(part) : undefined;
    send(state.upstream, pending.subarray(0, part), client);
    // Reading may have paused while the app's connection opened (MAX_AHEAD); the body now flows,
    // and only the app's own backpressure may hold it.
    if (state.upstream.data.paused !== client) client.resume();
  }

  /**
   * The app did not answer well before anything reached the client: the router takes the request,
   * unless part of its body went to the app already; then the client is told the app did not answer.
   */
  function appFailed(state: UpstreamState, upstream?: Socket<UpstreamState>): void {
    const { client, request } = state;
    state.client = undefined;
    upstream?.terminate();
    if (!client || client.data.phase === "closed") return;
    if (state.sentToClient) {
      client.terminate();
      return;
    }
    if (state.lane && state.lane.bodyLength > 0 && state.phase !== "connecting") {
      client.data.closeAfter = true;
      // The app ends a request whose body stopped coming (its idle timeout): that is the client's doing.
      const stalled = client.data.bodyLeft > 0 && performance.now() - client.data.heardAt > STALLED_BODY_MS;
      send(client, stalled ? REQUEST_TIMEOUT : BAD_GATEWAY);
      endWhenDrained(client);
      return;
    }
    client.data.upstream = undefined;
    client.data.pending = request ? append(request, client.data.pending ?? Buffer.alloc(0)) : client.data.pending;
    handOver(client);
  }

  function finishExchange(upstream: Socket<UpstreamState>): void {
    const state = upstream.data;
    const client = state.client!;
    state.lane!.finished(state.status, state.startedAt);
    state.client = undefined;
    state.lane = undefined;
    state.request = undefined;
    state.head = undefined;
    state.phase = "idle";
    // A client still taking the last answer keeps this connection paused: it is not lent to another.
    // An app that answered before the whole body arrived still waits for the rest of it: that
    // connection would read the next request as body, so it is never lent again (nor is the client's
    // connection kept: the next request cannot be told from the rest of the body either).
    const pool = idle.get(state.port) ?? [];
    const clean = state.reusable && !state.framing!.untilClose && client.data.bodyLeft === 0;
    if (clean && client.data.queue.length === 0 && pool.length < MAX_IDLE_PER_PORT) {
      idle.set(state.port, pool);
      pool.push(upstream);
    } else upstream.terminate();
    client.data.upstream = undefined;
    if (client.data.phase === "closed") return;
    if (client.data.closeAfter || client.data.bodyLeft > 0) {
      endWhenDrained(client);
      return;
    }
    client.data.phase = "head";
    client.timeout(options.idleSeconds);
    client.resume();
    nextRequest(client);
  }

  function responseHead(upstream: Socket<UpstreamState>, chunk: Buffer): void {
    const state = upstream.data;
    const bytes = append(state.head, chunk);
    const end = headEnd(bytes);
    if (end < 0) {
      if (bytes.length > MAX_RESPONSE_HEAD) {
        appFailed(state, upstream);
        return;
      }
      state.head = bytes;
      return;
    }
    upstream.timeout(0);
    const lane = state.lane!;
    const rest = bytes.subarray(end);
    if (lane.websocket) {
      webSocketAnswer(upstream, bytes, end);
      return;
    }
    const head = bytes.subarray(0, end);
    const known = state.answered;
    const answered = known && known.method === state.method && head.equals(known.head) ? known : answerFor(head, state.method!, lane);
    if (!answered) {
      appFailed(state, upstream);
      return;
    }
    state.answered = answered;
    const client = state.client!;
    const framing = answered.framing.again();
    state.framing = framing;
    state.status = answered.status;
    state.reusable = answered.reusable;
    state.phase = "body";
    state.sentToClient = true;
    if (framing.untilClose || client.data.bodyLeft > 0) client.data.closeAfter = true;
    const answer = client.data.closeAfter ? withConnectionClose(answered.answer) : answered.answer;
    const taken = framing.feed(rest);
    if (taken < 0) {
      brokenBody(upstream);
      return;
    }
    if (taken < rest.length) state.reusable = false;
    send(client, taken > 0 ? Buffer.concat([answer, rest.subarray(0, taken)]) : answer, upstream);
    if (framing.complete) finishExchange(upstream);
  }

  function webSocketAnswer(upstream: Socket<UpstreamState>, bytes: Buffer, end: number): void {
    const state = upstream.data;
    const response = parseResponseHead(bytes, end);
    if (response?.status !== 101) {
      appFailed(state, upstream);
      return;
    }
    const client = state.client!;
    state.phase = "piped";
    client.data.phase = "piped";
    state.sentToClient = true;
    // A session that ends cuts the socket off at once (a close frame could land inside one of the
    // app's frames); the client's close then ends the app's side too.
    state.lane!.opened(() => client.terminate());
    send(client, Buffer.concat([Buffer.from(`${state.lane!.answer(response)}\r\n\r\n`, "latin1"), bytes.subarray(end)]), upstream);
    const early = client.data.pending;
    client.data.pending = undefined;
    if (early) send(upstream, early, client);
  }

  function brokenBody(upstream: Socket<UpstreamState>): void {
    const client = upstream.data.client;
    upstream.data.client = undefined;
    upstream.terminate();
    client?.terminate();
  }

  const upstreamHandlers: SocketHandler<UpstreamState> = {
    open(upstream) {
      upstream.setNoDelay(true);
      const state = upstream.data;
      if (state.to !== "router") return;
      const client = state.client;
      if (!client || client.data.phase === "closed") return void upstream.end();
      state.phase = "piped";
      state.localPort = upstream.localPort;
      options.carried.set(upstream.localPort, client.data.peer);
      client.data.upstream = upstream;
      const pending = client.data.pending;
      client.data.pending = undefined;
      if (pending) send(upstream, pending, client);
      if (client.data.ended) upstream.shutdown();
    },
    data(upstream, chunk) {
      const state = upstream.data;
      const client = state.client;
      if (!client) return;
      if (state.phase === "piped") return send(client, chunk, upstream);
      if (state.phase === "waiting") return responseHead(upstream, chunk);
      if (state.phase !== "body") return;
      const taken = state.framing!.feed(chunk);
      if (taken < 0) return brokenBody(upstream);
      if (taken < chunk.length) state.reusable = false;
      send(client, chunk.subarray(0, taken), upstream);
      if (state.framing!.complete) finishExchange(upstream);
    },
    drain: drained,
    timeout(upstream) {
      if (upstream.data.phase === "waiting") appFailed(upstream.data, upstream);
    },
    close(upstream) {
      const state = upstream.data;
      if (state.localPort !== undefined) options.carried.delete(state.localPort);
      if (state.phase === "idle") {
        const pool = idle.get(state.port);
        const at = pool?.indexOf(upstream) ?? -1;
        if (at >= 0) pool!.splice(at, 1);
        return;
      }
      if (state.phase === "piped") {
        state.lane?.closed();
        state.lane = undefined;
      }
      const client = state.client;
      state.client = undefined;
      if (!client || client.data.phase === "closed") return;
      if (state.phase === "connecting" || state.phase === "waiting") {
        state.client = client;
        return appFailed(state);
      }
      client.data.upstream = undefined;
      if (state.phase === "piped") return endWhenDrained(client);
      // The body ends with the connection, or was cut short.
      if (state.framing?.untilClose) {
        state.lane?.finished(state.status, state.startedAt);
        return endWhenDrained(client);
      }
      client.terminate();
    },
    connectError(upstream) {
      const client = upstream.data.client;
      if (upstream.data.to === "router") return client?.terminate();
      appFailed(upstream.data);
    },
  };

  return Bun.listen<ClientState>({
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    // A client may send its request and its FIN at once (half-close) and still wait for the answer.
    allowHalfOpen: true,
    socket: {
      open(client) {
        client.data = {
          peer: client.remoteAddress,
          phase: "head",
          queue: [],
          stallSeconds: options.idleSeconds,
          closeAfter: false,
          ended: false,
          bodyLeft: 0,
          heardAt: performance.now(),
        };
        client.setNoDelay(true);
        client.timeout(options.idleSeconds);
      },
      data(client, chunk) {
        const state = client.data;
        state.heardAt = performance.now();
        if (state.phase === "piped" && state.upstream) return send(state.upstream, chunk, client);
        state.pending = append(state.pending, chunk);
        if (state.bodyLeft > 0) return forwardBody(client);
        if (state.phase === "head") return nextRequest(client);
        if (state.phase !== "piped" && state.pending.length > MAX_AHEAD) client.pause();
      },
      drain: drained,
      end(client) {
        const state = client.data;
        state.ended = true;
        if (state.phase === "piped") state.upstream?.shutdown();
        else nextRequest(client);
      },
      // Fires once per timeout() call; what it means depends on where the connection is now.
      timeout(client) {
        if (client.data.queue.length > 0) client.terminate();
        else if (client.data.phase === "head") client.end();
      },
      close(client) {
        const state = client.data;
        state.phase = "closed";
        const upstream = state.upstream;
        state.upstream = undefined;
        if (!upstream) return;
        upstream.data.client = undefined;
        if (upstream.data.phase === "piped") {
          upstream.data.lane?.closed();
          upstream.data.lane = undefined;
          upstream.end();
        } else upstream.terminate();
      },
    },
  });
}
