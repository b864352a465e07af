// What the owner edits: their draft if they have one, else the stored set. Feature ids come in as
// ticked boxes or pasted text; an id the catalog lacks refuses the whole addition, naming it.
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { AppTranslate } from "../messages";
import type { Draft } from "./draft-store";
import type { FeatureSet } from "./feature-set-store";
import type { Resolution } from "./resolve";
import { MAX_SET_FEATURES } from "./set-content";
import { type SetForm, formFromContent } from "./set-form";
import { needsWarning, statusWarning } from "./set-status";

const MAX_NAMED = 20;

export const workingFeatures = (set: FeatureSet, draft?: Draft) => draft?.features ?? set.content.features;

/**
 * The form for what is being edited: the draft's texts for the fields it has, else the stored value
 * or the catalog default. Fields of features no longer in the draft are left out.
 */
export function workingForm(set: FeatureSet, draft: Pick<Draft, "form"> | undefined, resolution: Resolution): SetForm {
  const stored = formFromContent(set.name, set.content, resolution);
  if (!draft) return stored;
  const values = Object.fromEntries(Object.entries(stored.values).map(([field, text]) => [field, draft.form.values[field] ?? text]));
  return { name: draft.form.name, values, sites: draft.form.sites };
}

/** Pasted ids: one per line, or separated by ";" or ",". */
export function parseIds(text: string): string[] {
  return text
    .split(/[\n\r;,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

export type Addition = { ok: true; features: string[]; added: string[]; warnings: string[] } | { ok: false; error: string };

export function addFeatures(features: string[], ids: string[], catalog: LoadedCatalog, t: AppTranslate): Addition {
  if (ids.length === 0) return { ok: false, error: t("sets.error.noIds") };
  const unknown = [...new Set(ids.filter((id) => !catalog.byId.has(id)))];
  // Named one by one up to a screenful; a pasted spreadsheet column of garbage gets a count.
  const named = unknown.length > MAX_NAMED ? `${unknown.slice(0, MAX_NAMED).join(", ")} … (${unknown.length})` : unknown.join(", ");
  if (unknown.length > 0) return { ok: false, error: t("sets.error.unknownIds", { ids: named, count: unknown.length }) };
  const added = [...new Set(ids)].filter((id) => !features.includes(id));
  if (features.length + added.length > MAX_SET_FEATURES) return { ok: false, error: t("sets.error.tooMany", { max: MAX_SET_FEATURES }) };
  const warnings = added.map((id) => catalog.byId.get(id)!).filter(needsWarning).map((f) => statusWarning(f, t));
  return { ok: true, features: [...features, ...added], added, warnings };
}

/** Override lines of the features still in the set; lines that are not overrides yet stay as typed. */
export function withoutFeatures(overrides: string, kept: Set<string>): string {
  return overrides
    .split(/\r?\n/)
    .filter((line) => {
      const feature = /^\s*(\S+)\.[A-Za-z][A-Za-z0-9_]*\s*=/.exec(line)?.[1];
      return feature === undefined || kept.has(feature);
    })
    .join("\n");
}
