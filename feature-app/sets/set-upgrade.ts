// Moving a feature set from the catalog version it is pinned to onto the current one. The preview
// says what the move does to this set — features it uses that the new version no longer has,
// features whose definition changed (catalog-compare's words), and values the new definition
// refuses — and what the set will then hold: the gone features and refused values are left out
// (the new defaults apply). Applying saves exactly that as one revision, refused when stale.
import { type FeatureChange, compareCatalogs } from "../catalog/catalog-compare";
import { usedFeatures } from "../catalog/catalog-impact";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { ParameterValue } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";
import type { FeatureSet, FeatureSetStore, WriteResult } from "./feature-set-store";
import { normalizeContent, resolveSet } from "./resolve";
import { revisionNote } from "./revision-note";
import { type SetContent, type Values, checkValue } from "./set-content";
import { exportBlockers } from "./set-export";

export interface Misfit {
  /** e.g. "values.FGR-CA0001.maxCc" or "sites[0].overrides.FGR-CA0001.maxCc". */
  path: string;
  value: ParameterValue;
  message: string;
}

export interface UpgradePreview {
  from: number;
  to: number;
  dropped: { id: string; name: string }[];
  changed: FeatureChange[];
  misfits: Misfit[];
  /** What the set holds after the upgrade. */
  content: SetContent;
  /** Why it could not be exported after the upgrade (e.g. a conflict the new version adds). */
  blockers: string[];
}

export function previewUpgrade(set: FeatureSet, pinned: LoadedCatalog, current: LoadedCatalog, t: AppTranslate): UpgradePreview {
  const comparison = compareCatalogs(pinned, current);
  const used = usedFeatures(set.content, pinned);
  const features = set.content.features.filter((id) => current.byId.has(id));
  const inSet = new Set(resolveSet({ ...set.content, features }, current).features.map((f) => f.id));
  const misfits: Misfit[] = [];
  const keep = (values: Values, at: string): Values => {
    const kept: Values = {};
    for (const [featureId, parameters] of Object.entries(values)) {
      const feature = current.byId.get(featureId);
      // A gone feature's values go with it; it is listed as dropped.
      if (!feature) continue;
      for (const [name, value] of Object.entries(parameters)) {
        const parameter = feature.parameters.find((p) => p.name === name);
        const checked = parameter && checkValue(parameter, value, t);
        const message = !inSet.has(featureId)
          ? t("sets.error.notInSet", { id: featureId })
          : !parameter
            ? t("sets.error.noParameter", { id: featureId, name })
            : checked && "error" in checked
              ? checked.error
              : undefined;
        if (message) misfits.push({ path: `${at}.${featureId}.${name}`, value, message });
        else kept[featureId] = { ...kept[featureId], [name]: value };
      }
    }
    return kept;
  };
  const content = normalizeContent(
    { features, values: keep(set.content.values, "values"), sites: set.content.sites.map((s, i) => ({ name: s.name, overrides: keep(s.overrides, `sites[${i}].overrides`) })) },
    current,
  );
  return {
    from: pinned.version.id,
    to: current.version.id,
    dropped: comparison.removed.filter((f) => used.has(f.id)).map((f) => ({ id: f.id, name: f.name })),
    changed: comparison.changed.filter((f) => used.has(f.id)),
    misfits,
    content,
    blockers: exportBlockers({ ...set, content }, current, t),
  };
}

export type UpgradeResult = WriteResult | { ok: false; reason: "moved"; to: number } | { ok: false; reason: "up-to-date" };

/**
 * Applies the preview as one revision. `catalogVersion` is the version the owner saw the preview
 * for: if another one has become current since, the preview no longer tells the truth, so it is refused.
 */
export async function applyUpgrade(
  store: FeatureSetStore,
  user: string,
  set: FeatureSet,
  preview: UpgradePreview,
  request: { revision: number; catalogVersion: number },
): Promise<UpgradeResult> {
  if (preview.from === preview.to) return { ok: false, reason: "up-to-date" };
  if (request.catalogVersion !== preview.to) return { ok: false, reason: "moved", to: preview.to };
  const note = revisionNote("sets.note.upgraded", { from: preview.from, to: preview.to });
  return store.save(set.id, user, { baseRevision: request.revision, name: set.name, content: preview.content, note, catalogVersionId: preview.to, action: "set.upgrade" });
}
