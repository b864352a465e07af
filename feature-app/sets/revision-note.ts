// What a save did, kept with the revision as a message key and its values, so each reader sees
// the note in their own language ("added FGR-CA0001" / "FGR-CA0001 추가"), or the note the user
// wrote when saving.
import type { AppMessageKey, AppTranslate } from "../messages";

type NoteKey = Extract<AppMessageKey, `sets.note.${string}`>;

export const MAX_NOTE = 500;

export function revisionNote(key: NoteKey, params: Record<string, string | number> = {}): string {
  return JSON.stringify({ key, params });
}

/** The note without words of any language, for the audit trail: "added FGR-CA0001", "cloned 3 2", or what the user wrote. */
export function noteSummary(note: string): string {
  try {
    const { key, params, text } = JSON.parse(note) as { key?: NoteKey; params?: Record<string, string | number>; text?: unknown };
    if (typeof text === "string") return text;
    if (typeof key === "string") return [key.replace(/^sets\.note\./, ""), ...Object.values(params ?? {}).map(String)].join(" ");
  } catch {
    // A note written before notes were keys: as it is.
  }
  return note;
}

/** What the user wrote when saving: shown as written, in every language. */
export function userNote(text: string): string {
  return JSON.stringify({ text });
}

export function noteText(note: string, t: AppTranslate): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(note);
  } catch {
    // A note written before notes were keys: shown as it is.
    return note;
  }
  const { key, params, text } = (parsed ?? {}) as { key?: NoteKey; params?: Record<string, string | number>; text?: unknown };
  if (typeof text === "string") return text;
  return typeof key === "string" ? t(key, params) : note;
}
