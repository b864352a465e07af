import type { Locale } from "./messages";

const TAGS: Record<Locale, string> = { en: "en-GB", ko: "ko-KR" };

/** Date and time in the server's time zone, which is the team's: one office, one clock. */
export function formatDateTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(TAGS[locale], { dateStyle: "medium", timeStyle: "short" }).format(date);
}
