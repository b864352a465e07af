// Parameter units as a Korean engineer writes them: counted things and time in Korean (2 서브프레임,
// 10 초), symbols of measure and 3GPP abbreviations as they are (dB, dBm, ms, MHz, PRB, UE).
import type { Locale } from "../src/i18n/messages";

const KOREAN: Record<string, string> = {
  beam: "빔",
  bit: "비트",
  byte: "바이트",
  cell: "셀",
  config: "설정",
  cycle: "사이클",
  day: "일",
  deg: "도",
  flow: "플로우",
  group: "그룹",
  hop: "홉",
  layer: "레이어",
  leg: "레그",
  min: "분",
  node: "노드",
  pattern: "패턴",
  period: "주기",
  preamble: "프리앰블",
  relation: "관계",
  s: "초",
  slice: "슬라이스",
  slot: "슬롯",
  state: "상태",
  subframe: "서브프레임",
  symbol: "심볼",
};

/** The unit as the reader's language writes it; one it does not know is shown as the catalog has it. */
export function unitText(unit: string, locale: Locale): string {
  return locale === "ko" ? (KOREAN[unit] ?? unit) : unit;
}
