// How much of the gateway one client may hold: requests in progress and WebSockets per address,
// WebSockets per user and in total. Bun.serve gives no hook per TCP connection, so what is
// counted is what a connection is held for: a request until its answer starts, a WebSocket while
// it is open. Bun.serve's idle timeout (clientIdleSeconds) closes idle connections and abandons an
// answer whose client stopped reading it (its memory bounded by backpressure meanwhile).
import { readFileSync } from "node:fs";
import { PublicError } from "../errors";

export interface RelayLimitSettings {
  readonly perAddress: number;
  readonly socketsPerUser: number;
  readonly sockets: number;
}

/** Descriptors kept free for the database, logs, the apps' pipes and plain HTTP. */
const SPARE_DESCRIPTORS = 1024;

/**
 * The most WebSockets the process can relay: each holds two descriptors (the browser's and the
 * app's), so the total stays below the open-file limit. Linux says it in /proc; elsewhere
 * (Windows has no such limit worth the name) the setting stands.
 */
export function socketCeiling(setting: number, limitsFile = "/proc/self/limits"): number {
  let text: string;
  try {
    text = readFileSync(limitsFile, "utf8");
  } catch {
    return setting;
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  if (!soft) return setting;
  return Math.max(1, Math.min(setting, Math.floor((Number(soft) - SPARE_DESCRIPTORS) / 2)));
}

/** What a request gets when its address already holds its limit of requests in progress. */
export function busyAddressError(): PublicError {
  return new PublicError("too many requests at once from one address", undefined, 429, "relay.busyAddress");
}

export type SocketRefusal = "user" | "total";

export class RelayLimits {
  private readonly byAddress = new Map<string, number>();
  private readonly socketsByUser = new Map<number, number>();
  private openSockets = 0;

  constructor(private readonly settings: RelayLimitSettings) {}

  /** A request or WebSocket from `address` begins; false when the address already holds its limit. */
  enter(address: string): boolean {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.settings.perAddress) return false;
    this.byAddress.set(address, held + 1);
    return true;
  }

  leave(address: string): void {
    const held = (this.byAddress.get(address) ?? 1) - 1;
    if (held <= 0) this.byAddress.delete(address);
    else this.byAddress.set(address, held);
  }

  /**
   * Takes a WebSocket place for `userId` before its app is even asked (so a burst of upgrades
   * cannot all pass the check), or says why there is none. Every place taken is given back with
   * socketClosed(), whether the socket opened or not.
   */
  takeSocket(userId: number): SocketRefusal | undefined {
    if ((this.socketsByUser.get(userId) ?? 0) >= this.settings.socketsPerUser) return "user";
    if (this.openSockets >= this.settings.sockets) return "total";
    this.openSockets++;
    this.socketsByUser.set(userId, (this.socketsByUser.get(userId) ?? 0) + 1);
    return undefined;
  }

  socketClosed(userId: number): void {
    this.openSockets--;
    const left = (this.socketsByUser.get(userId) ?? 1) - 1;
    if (left <= 0) this.socketsByUser.delete(userId);
    else this.socketsByUser.set(userId, left);
  }
}
