// The pages' live connection to their instance: a greeting, ping → pong, binary frames echoed
// back as they came (the gateway's relay tests use those), and progress of long imports and
// exports broadcast to every open page of this user (one process serves one user).
import type { ServerWebSocket, WebSocketHandler } from "bun";
import * as v from "valibot";

const pingSchema = v.object({ type: v.literal("ping"), id: v.number() });

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
    : { type: "error", message: 'unknown message; expected {"type":"ping","id":N}' };
}

export function createLiveSockets(userName: () => string) {
  const open = new Set<ServerWebSocket<undefined>>();
  const handler: WebSocketHandler<undefined> = {
    open(ws) {
      open.add(ws);
      ws.send(JSON.stringify({ type: "hello", user: userName(), pid: process.pid }));
    },
    message(ws, message) {
      ws.send(typeof message === "string" ? JSON.stringify(answer(message)) : message);
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
