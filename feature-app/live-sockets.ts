// The pages' live connection to their instance: a greeting, ping → pong, binary frames echoed
// back as they came and a close with the code asked for (the gateway's relay tests use those),
// and progress of long imports and exports broadcast to every open page of this user (one
// process serves one user).
import type { ServerWebSocket, WebSocketHandler } from "bun";
import * as v from "valibot";

/** The subprotocol this socket speaks; a client that asks for it gets it named in the handshake. */
export const LIVE_PROTOCOL = "fgm.live.v1";

const pingSchema = v.object({ type: v.literal("ping"), id: v.number() });
const closeSchema = v.object({ type: v.literal("close"), code: v.pipe(v.number(), v.integer(), v.minValue(3000), v.maxValue(4999)), reason: v.pipe(v.string(), v.maxLength(100)) });

function answer(text: string): object {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { type: "error", message: "a text message must be JSON" };
  }
  const ping = v.safeParse(pingSchema, message);
  return ping.success
    ? { type: "pong", id: ping.output.id }
    : { type: "error", message: 'unknown message; expected {"type":"ping","id":N} or {"type":"close","code":3000-4999,"reason":"…"}' };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createLiveSockets(userName: () => string) {
  const open = new Set<ServerWebSocket<undefined>>();
  const handler: WebSocketHandler<undefined> = {
    open(ws) {
      open.add(ws);
      ws.send(JSON.stringify({ type: "hello", user: userName(), pid: process.pid }));
    },
    message(ws, message) {
      const close = typeof message === "string" ? v.safeParse(closeSchema, parseOrUndefined(message)) : undefined;
      if (close?.success) ws.close(close.output.code, close.output.reason);
      else ws.send(typeof message === "string" ? JSON.stringify(answer(message)) : message);
    },
    close(ws) {
      open.delete(ws);
    },
  };
  return {
    handler,
    count: () => open.size,
    broadcast: (message: object) => {
      const text = JSON.stringify(message);
      for (const ws of open) ws.send(text);
    },
    /** 1001 "going away" tells the page to reconnect: the gateway starts a new instance. */
    closeAll: () => {
      for (const ws of open) ws.close(1001, "instance stopping");
    },
  };
}

export type LiveSockets = ReturnType<typeof createLiveSockets>;
