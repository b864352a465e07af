import type { Server } from "bun";
import { createMiddleware } from "hono/factory";
import { type Address, formatAddress, parseAddress } from "../net/ip";

export interface ServerBindings {
  server: Server<unknown>;
}

export interface ClientAddressVariables {
  /** The peer's address, canonical ("::ffff:10.0.0.1" arrives as "10.0.0.1"); null if unknown. */
  clientAddress: Address | null;
  clientAddressText: string;
}

/** Identity comes from the socket's peer address, never from request headers. */
export function clientAddressMiddleware() {
  return createMiddleware<{ Bindings: ServerBindings; Variables: ClientAddressVariables }>(
    async function clientAddress(c, next) {
      const peer = c.env?.server?.requestIP(c.req.raw);
      const address = peer ? parseAddress(peer.address) : null;
      c.set("clientAddress", address);
      c.set("clientAddressText", address ? formatAddress(address) : "unknown");
      await next();
    },
  );
}
