import type { Server } from "bun";
import { createMiddleware } from "hono/factory";
import { type Address, type IpRule, formatAddress, parseAddress, parseRule, ruleMatches } from "../net/ip";

export interface ServerBindings {
  server: Server<unknown>;
}

export interface ClientAddressVariables {
  /** The client's address, canonical ("::ffff:10.0.0.1" arrives as "10.0.0.1"); null if unknown. */
  clientAddress: Address | null;
  clientAddressText: string;
}

/**
 * The client is the socket's peer. Only when that peer is a configured trusted proxy is
 * X-Forwarded-For read, right to left, skipping further trusted proxies: the first address
 * that is not one of ours is the client. From anyone else the header is ignored.
 */
export function resolveClientAddress(peer: Address | null, forwardedFor: string | undefined, trusted: IpRule[]): Address | null {
  if (!peer || !forwardedFor || !trusted.some((rule) => ruleMatches(rule, peer))) return peer;
  const hops = forwardedFor.split(",").map((hop) => parseAddress(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (!hop) return peer; // a garbled chain proves nothing beyond the proxy itself
    if (!trusted.some((rule) => ruleMatches(rule, hop))) return hop;
  }
  return peer;
}

/** Past this many distinct peers the memo starts over, so a scan of many addresses cannot grow it. */
const MEMO_LIMIT = 4096;

export interface ClientAddress {
  address: Address | null;
  text: string;
}

/**
 * Who sent a request, from its connection's peer address and its X-Forwarded-For header (read
 * only when asked for, and only if there are trusted proxies). `trustedProxies` is asked on every
 * request, so the console can change the list while running.
 */
export function createPeerResolver(trustedProxies: () => string[]): (raw: string | undefined, forwardedFor: () => string | undefined) => ClientAddress {
  let parsedFrom: string[] | undefined;
  let trusted: IpRule[] = [];
  const currentRules = () => {
    const list = trustedProxies();
    if (list !== parsedFrom) {
      parsedFrom = list;
      trusted = list.flatMap((text) => {
        const parsed = parseRule(text);
        return parsed.ok ? [parsed.rule] : [];
      });
    }
    return trusted;
  };
  // Parsing and printing an address is BigInt work, and the same few peers come back on every
  // request: each peer's parsed and canonical forms are remembered.
  const peers = new Map<string, ClientAddress>();
  const peerOf = (raw: string) => {
    let known = peers.get(raw);
    if (!known) {
      if (peers.size >= MEMO_LIMIT) peers.clear();
      const address = parseAddress(raw);
      known = { address, text: address ? formatAddress(address) : "unknown" };
      peers.set(raw, known);
    }
    return known;
  };
  return (raw, forwardedFor) => {
    const peer = raw === undefined ? UNKNOWN : peerOf(raw);
    const rules = currentRules();
    const chain = rules.length > 0 ? forwardedFor() : undefined;
    if (!chain) return peer;
    const address = resolveClientAddress(peer.address, chain, rules);
    return address === peer.address ? peer : { address, text: address ? formatAddress(address) : "unknown" };
  };
}

const UNKNOWN: ClientAddress = { address: null, text: "unknown" };

/**
 * Who sent a request to the router, as a function of the server and the request. Every connection
 * to the router comes from the front door (front-door.ts), and `carried` names the client each of
 * them carries, by the connection's port; a connection it does not name (anyone else on this
 * machine reaching the router's loopback port) is nobody.
 */
export function createClientAddressResolver(
  trustedProxies: () => string[],
  carried: (port: number) => string | undefined,
): (server: Server<unknown> | undefined, request: Request) => ClientAddress {
  const resolve = createPeerResolver(trustedProxies);
  return (server, request) => {
    // Only the front door's own connections come from 127.0.0.1 with a port it names: another
    // local process could use the same port number from another loopback address, not this one.
    const socket = server?.requestIP(request);
    const raw = socket?.address === "127.0.0.1" ? carried(socket.port) : undefined;
    return resolve(raw, () => request.headers.get("x-forwarded-for") ?? undefined);
  };
}

export function clientAddressMiddleware(resolve: ReturnType<typeof createClientAddressResolver>) {
  return createMiddleware<{ Bindings: ServerBindings; Variables: ClientAddressVariables }>(
    async function clientAddress(c, next) {
      const { address, text } = resolve(c.env?.server, c.req.raw);
      c.set("clientAddress", address);
      c.set("clientAddressText", text);
      await next();
    },
  );
}
