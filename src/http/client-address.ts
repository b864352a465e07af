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
 * Who sent a request, as a function of the server and the request: the connection's peer address
 * (Bun.serve's requestIP) and its X-Forwarded-For header (read only when there are trusted
 * proxies). `trustedProxies` is asked on every request, so the console can change the list while
 * running.
 */
export function createClientAddressResolver(trustedProxies: () => string[]): (server: Server<unknown> | undefined, request: Request) => ClientAddress {
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
  return (server, request) => {
    const raw = server?.requestIP(request)?.address;
    const peer = raw === undefined ? UNKNOWN : peerOf(raw);
    const rules = currentRules();
    const chain = rules.length > 0 ? (request.headers.get("x-forwarded-for") ?? undefined) : undefined;
    if (!chain) return peer;
    const address = resolveClientAddress(peer.address, chain, rules);
    return address === peer.address ? peer : { address, text: address ? formatAddress(address) : "unknown" };
  };
}

const UNKNOWN: ClientAddress = { address: null, text: "unknown" };

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
