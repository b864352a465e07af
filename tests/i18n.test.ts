import { describe, expect, test } from "bun:test";
import { negotiateLocale } from "../src/i18n/locale";
import { CATALOG, translator } from "../src/i18n/messages";

describe("negotiateLocale", () => {
  test.each([
    [undefined, "en"],
    ["", "en"],
    ["ko-KR,ko;q=0.9,en-US;q=0.8", "ko"],
    ["en-US,en;q=0.9,ko;q=0.8", "en"],
    ["ja-JP,ko;q=0.5", "ko"],
    ["fr, de;q=0.9", "en"],
    ["en;q=0.2, ko;q=0.8", "ko"],
    ["ko;q=0, en", "en"],
    ["KO", "ko"],
  ])("%p -> %s", (header, expected) => {
    expect<string>(negotiateLocale(header)).toBe(expected);
  });
});

/** Technical terms and pure templates that Korean writes the same way. */
const SAME_IN_BOTH = new Set(["admin.instances.pid", "admin.instances.cpu"]);

describe("message catalog", () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  test("Korean has every key with the same placeholders, and is really translated", () => {
    const keys = Object.keys(CATALOG.en) as (keyof typeof CATALOG.en)[];
    expect(Object.keys(CATALOG.ko).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect({ key, placeholders: placeholders(CATALOG.ko[key]) }).toEqual({ key, placeholders: placeholders(CATALOG.en[key]) });
      if (!key.startsWith("lang.") && !SAME_IN_BOTH.has(key)) expect({ key, same: CATALOG.ko[key] === CATALOG.en[key] }).toEqual({ key, same: false });
    }
  });

  test("English plurals follow the count", () => {
    const en = translator("en");
    expect(en("login.failed", { left: 1 })).toContain("1 attempt left");
    expect(en("login.failed", { left: 3 })).toContain("3 attempts left");
    expect(translator("ko")("login.failed", { left: 1 })).not.toContain("|");
  });

  test("placeholders are filled in", () => {
    expect(translator("ko")("footer.version", { version: "1.2.3" })).toBe("버전 1.2.3");
    expect(translator("en")("login.locked", { address: "10.0.0.1", until: "9:30" })).toBe("Too many wrong passwords. Sign-in from 10.0.0.1 is locked until 9:30.");
  });
});
