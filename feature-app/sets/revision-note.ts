// What a save did, kept with the revision as a message key and its values, so each reader sees
// the note in their own language ("added FGR-CA0001" / "FGR-CA0001 추가").
import type { AppMessageKey, AppTranslate } from "../messages";

type NoteKey = Extract<AppMessageKey, `sets.note.${string}`>;

export function revisionNote(key: NoteKey, params: Record<string, string | number> = {}): string {
  return JSON.stringify({ key, params });
}

/** The note without words of any language, for the audit trail: "added FGR-CA0001", "cloned 3 2". */
export function noteSummary(note: string): string {
  try {
    const { key, params } = JSON.parse(note) as { key: NoteKey; params: Record<string, string | number> };
    return [key.replace(/^sets\.note\./, ""), ...Object.values(params).map(String)].join(" ");
  } catch {
    return note;
  }
}

export function noteText(note: string, t: AppTranslate): string {
  try {
    const { key, params } = JSON.parse(note) as { key: NoteKey; params: Record<string, string | number> };
    return t(key, params);
  } catch {
    // A note written before notes were keys (or by hand): shown as it is.
    return note;
  }
}
