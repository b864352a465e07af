// Features a set holds although the catalog does not call them ready for the network: deprecated
// (on the way out) or planned (not released yet). Adding one warns; export lists them.
import type { Feature } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";
import type { Resolution } from "./resolve";

const WARN_STATUSES = new Set(["deprecated", "planned"]);

export const needsWarning = (feature: Feature | undefined) => feature !== undefined && WARN_STATUSES.has(feature.status);

export function statusWarning(feature: Feature, t: AppTranslate): string {
  return t("sets.warn.status", { id: feature.id, name: feature.name, status: t(`status.${feature.status}`) });
}

export function exportWarnings(resolution: Resolution, t: AppTranslate): string[] {
  return resolution.features.filter((f) => needsWarning(f.feature)).map((f) => statusWarning(f.feature!, t));
}
