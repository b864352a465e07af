// What the gateway counts about a user's relayed traffic, written once for HTTP and WebSockets:
// the instance's last activity (its idle clock), its open sockets, the session's dwell time and
// visit, the sockets a revoked session must close, and the places taken in the relay's limits.
// Request rate and latency are counted for every request by the router's first middleware (app.tsx).
import type { ServerWebSocket } from "bun";
import type { InstancePool } from "../instances/instance-pool";
import type { DwellTracker } from "../monitoring/dwell-tracker";
import type { RelayLimits } from "./relay-limits";
import type { SessionSockets } from "./session-sockets";
import type { RelayData, SocketAccounting } from "./websocket-relay";
import { createLogger } from "../log";

const log = createLogger("proxy");

export interface RelayAccountingDeps {
  pool: InstancePool;
  dwell: DwellTracker;
  sockets: SessionSockets;
  limits: RelayLimits;
  /** A session a script started is a visit once its page opens the app (SessionStore.promoteToVisit). */
  promoteToVisit: (sessionId: number) => Promise<void>;
}

export class RelayAccounting implements SocketAccounting {
  constructor(private readonly deps: RelayAccountingDeps) {}

  /** The app answered a relayed request: anything but its own failure counts as activity. */
  answered(userId: number, status: number): void {
    if (status < 500) this.deps.pool.touch(userId);
  }

  socketOpened(ws: ServerWebSocket<RelayData>): void {
    const { userId, sessionId, token, address } = ws.data;
    this.deps.pool.touch(userId);
    this.deps.pool.socketOpened(userId);
    this.deps.dwell.opened(sessionId);
    if (ws.data.scriptSession) void this.deps.promoteToVisit(sessionId).catch((error) => log.warn("could not count a visit", { sessionId, error }));
    if (token) ws.data.forget = this.deps.sockets.add(token, address, () => ws.close(1008, "session ended"));
  }

  socketClosed(data: RelayData): void {
    data.forget?.();
    this.deps.pool.socketClosed(data.userId);
    this.deps.dwell.closed(data.sessionId);
    this.socketReleased(data.userId, data.address);
  }

  /** The places a WebSocket took in the limits (relay-limits.ts), given back when it closes or never opens. */
  socketReleased(userId: number, address: string): void {
    this.deps.limits.socketClosed(userId);
    this.deps.limits.leave(address);
  }
}
