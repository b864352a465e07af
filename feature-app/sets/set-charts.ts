// The data behind the set page's two charts, as columns uPlot takes: the set's coverage of the
// catalog per category, and one numeric parameter's value at each site.
import type { LoadedCatalog } from "../catalog/catalog-store";
import { type Resolution, effectiveValues } from "./resolve";
import type { SetContent } from "./set-content";

export function coverageData(catalog: LoadedCatalog, resolution: Resolution) {
  const categories = [...new Set(catalog.features.map((f) => f.category))].sort();
  const inSet = new Set(resolution.features.map((f) => f.id));
  return {
    labels: categories,
    catalog: categories.map((c) => catalog.features.filter((f) => f.category === c).length),
    set: categories.map((c) => catalog.features.filter((f) => f.category === c && inSet.has(f.id)).length),
  };
}

/** "<feature>.<parameter>" for every int or float parameter of the set's features. */
export function numericParameters(resolution: Resolution): string[] {
  return resolution.features.flatMap(({ id, feature }) =>
    (feature?.parameters ?? []).filter((p) => p.type === "int" || p.type === "float").map((p) => `${id}.${p.name}`),
  );
}

export function parameterData(content: SetContent, resolution: Resolution, choice: string) {
  const dot = choice.lastIndexOf(".");
  const feature = resolution.features.find((f) => f.id === choice.slice(0, dot))?.feature;
  const parameter = feature?.parameters.find((p) => p.name === choice.slice(dot + 1));
  if (!feature || !parameter || (parameter.type !== "int" && parameter.type !== "float")) return undefined;
  return {
    labels: content.sites.map((s) => s.name),
    values: content.sites.map((site) => effectiveValues(feature, content, site)[parameter.name] as number),
    unit: parameter.unit ?? "",
    default: parameter.default,
    min: parameter.min,
    max: parameter.max,
  };
}
