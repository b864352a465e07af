// Korean particles chosen by how the word before them ends, read aloud as a Korean would.
import { describe, expect, test } from "bun:test";
import { endingOf, withParticle } from "../../src/i18n/korean-particle";
import { fillMessage } from "../../src/i18n/messages";

describe("Hangul endings", () => {
  test.each([
    ["사과", "을", "사과를"],
    ["책", "를", "책을"],
    ["서울", "을", "서울을"],
    ["사과", "이", "사과가"],
    ["책", "가", "책이"],
    ["나무", "은", "나무는"],
    ["산", "는", "산은"],
    ["사과", "과", "사과와"],
    ["책", "와", "책과"],
    ["서울", "으로", "서울로"],
    ["파일", "으로", "파일로"],
    ["학교", "으로", "학교로"],
    ["집", "로", "집으로"],
    ["리비전", "으로", "리비전으로"],
  ])("%s + %s → %s", (word, particle, expected) => {
    expect(withParticle(word, particle)).toBe(expected);
  });
});

describe("digits, read as Korean numerals", () => {
  test.each([
    ["0", "이", "0이"], // 영
    ["1", "이", "1이"], // 일
    ["2", "이", "2가"], // 이
    ["3", "이", "3이"], // 삼
    ["4", "이", "4가"], // 사
    ["5", "이", "5가"], // 오
    ["6", "이", "6이"], // 육
    ["7", "이", "7이"], // 칠
    ["8", "이", "8이"], // 팔
    ["9", "이", "9가"], // 구
    ["2", "과", "2와"],
    ["3", "과", "3과"],
    ["10", "와", "10과"], // 십
    ["20", "를", "20을"], // 이십
    ["100", "는", "100은"], // 백
    ["1000", "가", "1000이"], // 천
    ["1,000", "가", "1,000이"],
    ["10000", "가", "10000이"], // 만
    ["1000000000000", "가", "1000000000000가"], // 조
    ["1", "으로", "1로"], // 일: ㄹ takes 로
    ["7", "으로", "7로"],
    ["3", "으로", "3으로"],
    ["2", "으로", "2로"],
    ["12", "으로", "12로"],
    ["1.5", "을", "1.5를"], // 일 점 오
    ["10.0.0.7", "이", "10.0.0.7이"],
    ["10.9.0.0/16", "과", "10.9.0.0/16과"], // 십육
    ["FGR-CA0001", "이", "FGR-CA0001이"],
    ["FGR-CA0002", "이", "FGR-CA0002가"],
  ])("%s + %s → %s", (word, particle, expected) => {
    expect(withParticle(word, particle)).toBe(expected);
  });
});

describe("Latin words and letters", () => {
  test.each([
    ["CPU", "은", "CPU는"], // 씨피유
    ["URL", "은", "URL은"], // 유알엘
    ["URL", "으로", "URL로"],
    ["PRB", "가", "PRB가"], // 피알비
    ["RAM", "이", "RAM이"], // 램 read as 알에이엠 → 엠
    ["N", "와", "N과"], // 엔
    ["L", "으로", "L로"], // 엘
    ["set", "을", "set을"], // 셋
    ["web", "을", "web을"],
    ["string", "으로", "string으로"],
    ["mina", "이", "mina가"],
    ["boss", "이", "boss가"],
    ["alice", "은", "alice는"],
    ["config", "을", "config를"], // 컨피그
    ["tool", "으로", "tool로"],
    ["--port", "으로", "--port로"], // 포트
    ["list", "을", "list를"], // 리스트
    ["app", "을", "app을"], // 앱
  ])("%s + %s → %s", (word, particle, expected) => {
    expect(withParticle(word, particle)).toBe(expected);
  });
});

describe("what is not read aloud", () => {
  test("closing quotes and brackets are skipped; a symbol or nothing reads as a vowel", () => {
    expect(endingOf('"사과"')).toBe("vowel");
    expect(endingOf("(책)")).toBe("consonant");
    expect(endingOf("90%")).toBe("vowel");
    expect(endingOf("")).toBe("vowel");
  });
  test("a word that is not a particle is left as it is", () => {
    expect(withParticle("책", "에")).toBe("책에");
  });
});

describe("catalog texts", () => {
  test("{name:을} takes the particle that fits the value, in any of the pair's forms", () => {
    expect(fillMessage("{a:이} {b:과} 겹칩니다", { a: "10.9.1.1", b: "10.9.0.0/16" })).toBe("10.9.1.1이 10.9.0.0/16과 겹칩니다");
    expect(fillMessage("{v:와} 같음", { v: 2 })).toBe("2와 같음");
    expect(fillMessage("리비전 {r:로} 저장", { r: 3 })).toBe("리비전 3으로 저장");
    expect(fillMessage("{n|one|many} {n:을}", { n: 1 })).toBe("one 1을");
    expect(fillMessage("{missing:을}")).toBe("{missing:을}");
  });
});
