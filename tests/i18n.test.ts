import { describe, expect, test } from "bun:test";
import { negotiateLocale } from "../src/i18n/locale";
import { APP_CATALOG, appTranslator } from "../feature-app/messages";
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
  // The values a text shows: {name} and {name:을} (with its Korean particle); an English plural
  // {name|one|other} only picks words, which Korean does not need.
  const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)(?::[^}]*)?\}/g)].map((m) => m[1]))].sort();

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

  test("no hedged particle is left in Korean: each is chosen by the word before it", () => {
    for (const [key, text] of [...Object.entries(CATALOG.ko), ...Object.entries(APP_CATALOG.ko)]) {
      expect({ key, hedged: /\((을|를|이|가|은|는|와|과|으)\)/.test(text) }).toEqual({ key, hedged: false });
    }
    const ko = translator("ko");
    expect(ko("user.error.ruleTaken", { rule: "10.9.1.1", owner: "mina", other: "10.9.0.0/16" })).toBe("10.9.1.1이 mina의 10.9.0.0/16과 겹칩니다");
    expect(ko("user.error.rulesOverlap", { first: "10.0.0.2", second: "10.0.0.0/24" })).toStartWith("10.0.0.2와 10.0.0.0/24가 겹칩니다");
    expect(ko("settings.runningWith", { value: 30 })).toBe("재시작 전까지는 30으로 실행 중입니다.");
    expect(ko("settings.runningWith", { value: 12 })).toBe("재시작 전까지는 12로 실행 중입니다.");
    const app = appTranslator("ko");
    expect(app("import.unchanged", { version: 2 })).toContain("카탈로그 버전 2와 똑같아");
    expect(app("import.done", { version: 3, count: 151 })).toBe("카탈로그 버전 3으로 가져왔습니다(기능 151개).");
  });

  test("the feature app's Korean has the same placeholders as its English", () => {
    for (const key of Object.keys(APP_CATALOG.en) as (keyof typeof APP_CATALOG.en)[]) {
      expect({ key, placeholders: placeholders(APP_CATALOG.ko[key]) }).toEqual({ key, placeholders: placeholders(APP_CATALOG.en[key]) });
    }
  });

  test("placeholders are filled in", () => {
    expect(translator("ko")("footer.version", { version: "1.2.3" })).toBe("버전 1.2.3");
    expect(translator("en")("login.locked", { address: "10.0.0.1", until: "9:30" })).toBe("Too many wrong passwords. Sign-in from 10.0.0.1 is locked until 9:30.");
  });
});
