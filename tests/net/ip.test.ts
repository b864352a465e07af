import { describe, expect, test } from "bun:test";
import { formatAddress, formatRule, isThisMachine, parseAddress, parseRule, ruleMatches, rulesOverlap } from "../../src/net/ip";

const normalizeAddress = (text: string) => {
  const parsed = parseAddress(text);
  return parsed ? formatAddress(parsed) : null;
};

describe("normalizeAddress", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:127.0.0.2", "127.0.0.2"],
    ["::FFFF:7f00:3", "127.0.0.3"],
    ["0:0:0:0:0:ffff:a00:1", "10.0.0.1"],
    ["[::1]", "::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["2001:db8::", "2001:db8::"],
    ["::", "::"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  test.each(["", "1.2.3", "1.2.3.256", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1.2.3.4.5", "::1.2.3"])(
    "rejects %p",
    (input) => {
      expect(parseAddress(input)).toBeNull();
    },
  );
});

describe("parseRule", () => {
  test.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["192.168.1.7", "192.168.1.7"],
    ["192.168.1.7/32", "192.168.1.7"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
  ])("%s -> %s", (input, expected) => {
    const parsed = parseRule(input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatRule(parsed.rule)).toBe(expected);
  });

  test.each([
    ["10.0.0.5/24", "did you mean 10.0.0.0/24"],
    ["10.0.0.0/33", "prefix length must be 0–32"],
    ["10.0.0.0/x", "invalid prefix length"],
    ["bogus", "is not an IPv4 or IPv6 address"],
    ["::ffff:10.0.0.0/64", "at least 96"],
  ])("rejects %s with a reason", (input, reason) => {
    const parsed = parseRule(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe("matching", () => {
  const rule = (text: string) => {
    const parsed = parseRule(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.rule;
  };
  const addr = (text: string) => parseAddress(text)!;

  test("a range matches its members, in either written form", () => {
    expect(ruleMatches(rule("10.1.0.0/16"), addr("10.1.255.3"))).toBe(true);
    expect(ruleMatches(rule("10.1.0.0/16"), addr("::ffff:10.1.0.9"))).toBe(true);
    expect(ruleMatches(rule("10.1.0.0/16"), addr("10.2.0.1"))).toBe(false);
    expect(ruleMatches(rule("2001:db8::/64"), addr("2001:db8::abcd"))).toBe(true);
    expect(ruleMatches(rule("2001:db8::/64"), addr("2001:db9::1"))).toBe(false);
    expect(ruleMatches(rule("127.0.0.2"), addr("127.0.0.3"))).toBe(false);
  });

  test("overlap is detected between nested ranges and not between disjoint ones", () => {
    expect(rulesOverlap(rule("10.0.0.0/8"), rule("10.9.9.9"))).toBe(true);
    expect(rulesOverlap(rule("10.9.9.9"), rule("10.0.0.0/8"))).toBe(true);
    expect(rulesOverlap(rule("10.0.0.0/9"), rule("10.128.0.0/9"))).toBe(false);
    expect(rulesOverlap(rule("10.0.0.1"), rule("::1"))).toBe(false);
  });

  test("of the loopback addresses only 127.0.0.1 and ::1 are this machine, so other 127/8 addresses can stand for other machines", () => {
    expect(isThisMachine(addr("127.0.0.1"))).toBe(true);
    expect(isThisMachine(addr("::1"))).toBe(true);
    expect(isThisMachine(addr("::ffff:127.0.0.1"))).toBe(true);
    expect(isThisMachine(addr("127.0.0.2"))).toBe(false);
    expect(isThisMachine(addr("10.0.0.1"), [])).toBe(false);
  });

  test("an address of one of this machine's own interfaces is this machine too", () => {
    const own = [addr("127.0.0.1"), addr("192.0.2.2"), addr("fd00::2")];
    expect(isThisMachine(addr("192.0.2.2"), own)).toBe(true);
    expect(isThisMachine(addr("fd00::2"), own)).toBe(true);
    expect(isThisMachine(addr("192.0.2.3"), own)).toBe(false);
    // The loopback network as an interface still leaves 127.0.0.2 to stand for another machine.
    expect(isThisMachine(addr("127.0.0.2"), [...own, addr("127.0.0.2")])).toBe(false);
  });
});
