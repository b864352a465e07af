// A feature set against the current catalog: which features it really holds (the chosen ones
// and everything they need, each needed one marked with the chosen features that pull it in),
// which chosen ones the catalog no longer has, which pairs conflict, and the values in effect.
import { prerequisitesOf } from "../catalog/catalog-rules";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { Feature, ParameterValue } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";
import { type SetContent, type Site, type Values, checkValue } from "./set-content";

export interface ResolvedFeature {
  id: string;
  /** Undefined when the current catalog no longer has it. */
  feature?: Feature;
  chosen: boolean;
  /** The chosen features that need this one, directly or through others. */
  requiredBy: string[];
}

export interface Resolution {
  /** Sorted by id. */
  features: ResolvedFeature[];
  missing: string[];
  /** Each conflicting pair once, the smaller id first; either side listing the other counts. */
  conflicts: [string, string][];
}

export function resolveSet(content: SetContent, catalog: LoadedCatalog): Resolution {
  const requiredBy = new Map<string, Set<string>>();
  for (const id of content.features) {
    if (!catalog.byId.has(id)) continue;
    for (const needed of prerequisitesOf(catalog.byId, id)) {
      if (!requiredBy.has(needed)) requiredBy.set(needed, new Set());
      requiredBy.get(needed)!.add(id);
    }
  }
  const chosen = new Set(content.features);
  const ids = [...new Set([...chosen, ...requiredBy.keys()])].sort();
  const features = ids.map((id) => ({
    id,
    feature: catalog.byId.get(id),
    chosen: chosen.has(id),
    requiredBy: [...(requiredBy.get(id) ?? [])].filter((by) => by !== id).sort(),
  }));
  const present = new Set(ids);
  const conflicts: [string, string][] = [];
  const seen = new Set<string>();
  for (const { id, feature } of features) {
    for (const other of feature?.conflicts ?? []) {
      if (!present.has(other)) continue;
      const pair: [string, string] = id < other ? [id, other] : [other, id];
      if (seen.has(pair.join(" "))) continue;
      seen.add(pair.join(" "));
      conflicts.push(pair);
    }
  }
  conflicts.sort((a, b) => (a.join(" ") < b.join(" ") ? -1 : 1));
  return { features, missing: features.filter((f) => !f.feature).map((f) => f.id), conflicts };
}

/** A feature's parameter values in effect: the catalog default, then the set's value, then the site's. */
export function effectiveValues(feature: Feature, content: SetContent, site?: Site): Record<string, ParameterValue> {
  const values: Record<string, ParameterValue> = {};
  for (const parameter of feature.parameters) {
    values[parameter.name] = site?.overrides[feature.id]?.[parameter.name] ?? content.values[feature.id]?.[parameter.name] ?? parameter.default;
  }
  return values;
}

export interface ContentProblem {
  path: string;
  message: string;
}

/**
 * What the catalog says about content that is well-formed: unknown features (one already in the
 * set may stay after the catalog dropped it, and is reported by resolveSet), values for features
 * outside the set or parameters the feature lacks, and values the parameter's type refuses.
 */
export function checkAgainstCatalog(content: SetContent, catalog: LoadedCatalog, t: AppTranslate, previous?: SetContent): ContentProblem[] {
  const problems: ContentProblem[] = [];
  content.features.forEach((id, index) => {
    if (!catalog.byId.has(id) && !previous?.features.includes(id)) problems.push({ path: `features[${index}]`, message: t("sets.error.unknownFeature", { id }) });
  });
  const inSet = new Set(resolveSet(content, catalog).features.map((f) => f.id));
  const checkValues = (values: Values, at: string) => {
    for (const [featureId, parameters] of Object.entries(values)) {
      const feature = catalog.byId.get(featureId);
      if (!inSet.has(featureId)) {
        problems.push({ path: `${at}.${featureId}`, message: t("sets.error.notInSet", { id: featureId }) });
        continue;
      }
      // A feature the catalog dropped keeps its values untouched; export is blocked anyway.
      if (!feature) continue;
      for (const [name, value] of Object.entries(parameters)) {
        const parameter = feature.parameters.find((p) => p.name === name);
        const path = `${at}.${featureId}.${name}`;
        if (!parameter) problems.push({ path, message: t("sets.error.noParameter", { id: featureId, name }) });
        else {
          const checked = checkValue(parameter, value, t);
          if ("error" in checked) problems.push({ path, message: `${featureId}.${name}: ${checked.error}` });
        }
      }
    }
  };
  checkValues(content.values, "values");
  for (const [index, site] of content.sites.entries()) checkValues(site.overrides, `sites[${index}].overrides`);
  return problems;
}

/**
 * The content as it is stored: features and sites sorted, values equal to what would apply
 * anyway left out (a set value equal to the catalog default, a site value equal to the set's),
 * so that saving what the page showed changes nothing and later catalog defaults still apply.
 */
export function normalizeContent(content: SetContent, catalog: LoadedCatalog): SetContent {
  const prune = (values: Values, inherited: (featureId: string, name: string) => ParameterValue | undefined): Values => {
    const kept: Values = {};
    for (const [featureId, parameters] of Object.entries(values)) {
      for (const [name, value] of Object.entries(parameters)) {
        if (value === inherited(featureId, name)) continue;
        kept[featureId] = { ...kept[featureId], [name]: value };
      }
    }
    return kept;
  };
  const catalogDefault = (featureId: string, name: string) => catalog.byId.get(featureId)?.parameters.find((p) => p.name === name)?.default;
  const values = prune(content.values, catalogDefault);
  const setValue = (featureId: string, name: string) => values[featureId]?.[name] ?? catalogDefault(featureId, name);
  return {
    features: content.features.toSorted(),
    values,
    sites: content.sites
      .map((site) => ({ name: site.name, overrides: prune(site.overrides, setValue) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
