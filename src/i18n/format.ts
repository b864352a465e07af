import type { Locale, Translate } from "./messages";

const TAGS: Record<Locale, string> = { en: "en-GB", ko: "ko-KR" };

/** Date and time in the server's time zone, which is the team's: one office, one clock. */
export function formatDateTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(TAGS[locale], { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A duration as the reader says it: "1 h 2 min", "8 min 12 s", "12 s"; "1시간 2분", "8분 12초", "12초". */
export function formatDuration(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return t("duration.hoursMinutes", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  if (s >= 60) return t("duration.minutesSeconds", { m: Math.floor(s / 60), s: s % 60 });
  return t("duration.seconds", { s });
}
