// Korean particles change with the sound the word before them ends in: 을/를, 이/가, 은/는,
// 와/과 and 으로/로. A catalog text writes `{name:을}` (any form of the pair) and gets the form
// that fits the value, instead of a hedged "을(를)". Numbers are read as Korean numerals
// (1 일, 2 이, 3 삼, 10 십…) and Latin words and letters as Korean engineers say them
// (CPU 씨피유, URL 유알엘, set 셋), which is how a reader hears them.

/** How a word ends: with a vowel, with ㄹ, or with another final consonant. */
export type Ending = "vowel" | "rieul" | "consonant";

/** Each pair: the form after a final consonant, the form after a vowel. */
const PAIRS: readonly (readonly [string, string])[] = [
  ["을", "를"],
  ["이", "가"],
  ["은", "는"],
  ["과", "와"],
  ["으로", "로"],
];

/** The Korean reading's ending of each digit: 영 일 이 삼 사 오 육 칠 팔 구. */
const DIGIT: readonly Ending[] = ["consonant", "rieul", "vowel", "consonant", "vowel", "vowel", "consonant", "rieul", "rieul", "vowel"];
/** A number ending in zeros is said ending in the unit of its zeros: 20 이십, 300 삼백, 5000 오천, 만, 억, 조. */
function zerosEnding(zeros: number): Ending {
  if (zeros >= 12) return "vowel"; // 조
  return "consonant"; // 십, 백, 천, 만, 억
}

/** Letter names as said in Korean: L 엘, M 엠, N 엔, R 알 end in a consonant; the rest in a vowel. */
const LETTER: Record<string, Ending> = { l: "rieul", m: "consonant", n: "consonant", r: "rieul" };

/** Trailing characters that are not read aloud: quotes, brackets, dots. */
const SILENT_TAIL = /["'”’)\]}>.\s]+$/;

function hangulEnding(code: number): Ending {
  const final = (code - 0xac00) % 28;
  return final === 0 ? "vowel" : final === 8 ? "rieul" : "consonant";
}

function numberEnding(digits: string): Ending {
  const whole = /^0+$/.test(digits) ? "0" : digits.replace(/^0+(?=\d)/, "");
  const zeros = whole.length - whole.replace(/0+$/, "").length;
  if (whole === "0" || zeros === 0) return DIGIT[Number(whole.at(-1))]!;
  return zerosEnding(zeros);
}

/** A Latin word: spelled out when it is an acronym or one letter, else by how its end sounds. */
function latinEnding(word: string): Ending {
  const last = word.at(-1)!.toLowerCase();
  if (word.length === 1 || word === word.toUpperCase()) return LETTER[last] ?? "vowel";
  if (last === "l") return "rieul";
  // m, n, ng stay nasal (stream 스트림, string 스트링). A stop after a vowel closes the syllable
  // (set 셋, web 웹, app 앱, back 백); after another consonant it is its own syllable (port 포트,
  // list 리스트), and log 로그, tag 태그, node 노드 end in a vowel too.
  if (/[mn]$|ng$/i.test(word)) return "consonant";
  return /[aeiou](?:[bckpt]|pp|tt|ck)$/i.test(word) ? "consonant" : "vowel";
}

/** How the last word of `text` ends when read aloud in Korean. */
export function endingOf(text: string): Ending {
  const spoken = text.replace(SILENT_TAIL, "");
  const code = spoken.charCodeAt(spoken.length - 1);
  if (code >= 0xac00 && code <= 0xd7a3) return hangulEnding(code);
  const number = /(\d[\d,]*)$/.exec(spoken);
  if (number) return numberEnding(number[1]!.replaceAll(",", ""));
  const latin = /([A-Za-z]+)$/.exec(spoken);
  if (latin) return latinEnding(latin[1]!);
  // Symbols (%, ×, …) and an empty value: Korean reads most of them ending in a vowel (퍼센트).
  return "vowel";
}

/** The form of `particle`'s pair that follows `word`; any other text is returned as it is. */
export function particleFor(word: string, particle: string): string {
  const pair = PAIRS.find((p) => p.includes(particle));
  if (!pair) return particle;
  const ending = endingOf(word);
  // ㄹ takes 로 like a vowel (서울로, 파일로), but 을, 이, 은, 과 like any consonant.
  if (pair[0] === "으로") return ending === "consonant" ? pair[0] : pair[1];
  return ending === "vowel" ? pair[1] : pair[0];
}

/** `word` followed by the right form of `particle`. */
export function withParticle(word: string, particle: string): string {
  return `${word}${particleFor(word, particle)}`;
}
