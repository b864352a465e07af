// What a save did, kept with the revision as a message key and its values, so each reader sees
// the note in their own language ("added FGR-CA0001" / "FGR-CA0001 추가").
import type { AppMessageKey, AppTranslate } from "../messages";

type NoteKey = Extract<AppMessageKey, `sets.note.${string}`>;

export function revisionNote(key: NoteKey, params: Record<string, string | number> = {}): string {
  return JSON.stringify({ key, params });
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
