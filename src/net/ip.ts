// IP addresses and CIDR rules as numbers, so that matching is exact arithmetic rather than
// string comparison ("::ffff:10.0.0.1", "10.0.0.1" and "0:0:0:0:0:ffff:a00:1" are one client).
import { networkInterfaces } from "node:os";
import { type MessageKey, type MessageParams, inEnglish } from "../i18n/messages";

export type Family = 4 | 6;
export interface Address {
  family: Family;
  value: bigint;
}
export interface IpRule {
  family: Family;
  network: bigint;
  prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function parseIPv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some tools read "010" as octal 8, others as decimal 10.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  let head = text;
  if (head.includes(".")) {
    // An embedded IPv4 tail ("::ffff:10.0.0.1") is rewritten as its two hex groups.
    const lastColon = head.lastIndexOf(":");
    const v4 = parseIPv4(head.slice(lastColon + 1));
    if (v4 === null) return null;
    head = `${head.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const toGroups = (s: string): bigint[] | null => {
    if (s === "") return [];
    const groups: bigint[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(BigInt(`0x${g}`));
    }
    return groups;
  };
  const left = toGroups(halves[0] ?? "");
  const right = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  if (!left || !right) return null;
  const explicit = left.length + right.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (explicit > 7) return null;
    groups = [...left, ...Array<bigint>(8 - explicit).fill(0n), ...right];
  } else {
    if (explicit !== 8) return null;
    groups = left;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6, brackets, zone ids and case are normalised away. */
export function parseAddress(input: string): Address | null {
  let text = input.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  if (text === "") return null;
  if (!text.includes(":")) {
    const v4 = parseIPv4(text);
    return v4 === null ? null : { family: 4, value: v4 };
  }
  const v6 = parseIPv6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

export function formatAddress({ family, value }: Address): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLen).join(":");
  return `${left}::${right}`;
}

export type RuleParse = { ok: true; rule: IpRule } | { ok: false; reason: string; key: MessageKey; params: MessageParams };


/** A refused rule: the reason in English (CLI, config) and as a catalog key for pages. */
function refused(key: MessageKey, params: MessageParams): RuleParse {
  return { ok: false, reason: inEnglish(key, params), key, params };
}

/** Parses "address" or "address/prefix". Host bits set under the mask are refused, with the fix suggested. */
export function parseRule(input: string): RuleParse {
  const text = input.trim();
  const slash = text.indexOf("/");
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const address = parseAddress(addrText);
  if (!address) return refused("rule.error.address", { input });
  const mappedV6 = slash !== -1 && addrText.includes(":") && address.family === 4;
  const bits = BITS[address.family];
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(prefixText)) return refused("rule.error.prefix", { input });
    prefix = Number(prefixText);
    if (mappedV6) {
      if (prefix < 96) return refused("rule.error.mappedPrefix", { input });
      prefix -= 96;
    }
    if (prefix > bits) return refused("rule.error.prefixRange", { input, bits });
  }
  const network = address.value & mask(address.family, prefix);
  if (network !== address.value) {
    const fixed = formatRule({ family: address.family, network, prefix });
    return refused("rule.error.hostBits", { input, fixed });
  }
  return { ok: true, rule: { family: address.family, network, prefix } };
}

function mask(family: Family, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

export function formatRule(rule: IpRule): string {
  const address = formatAddress({ family: rule.family, value: rule.network });
  return rule.prefix === BITS[rule.family] ? address : `${address}/${rule.prefix}`;
}

export function ruleMatches(rule: IpRule, address: Address): boolean {
  return rule.family === address.family && (address.value & mask(rule.family, rule.prefix)) === rule.network;
}

/** Two ranges overlap exactly when one contains the other's network address. */
export function rulesOverlap(a: IpRule, b: IpRule): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return ruleMatches(shorter, { family: longer.family, value: longer.network });
}

/** The addresses of this machine's own network interfaces (its LAN address, say). */
export function interfaceAddresses(): Address[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((entry) => {
      const address = entry ? parseAddress(entry.address) : null;
      return address ? [address] : [];
    });
}

/**
 * The server machine itself, as a browser on it connects: 127.0.0.1, ::1, or one of its own
 * interface addresses (someone on the server who opened it by its network name). No other host can
 * complete a TCP connection from those. Other 127/8 addresses are not counted, so tests (and odd
 * setups) can stand in for other machines with them.
 */
export function isThisMachine(address: Address, own: Address[] = interfaceAddresses()): boolean {
  if (address.family === 4 ? address.value === 0x7f000001n : address.value === 1n) return true;
  return own.some((mine) => mine.family === address.family && mine.value === address.value && !isLoopback(mine));
}

function isLoopback(address: Address): boolean {
  return address.family === 4 ? address.value >> 24n === 127n : address.value === 1n;
}
