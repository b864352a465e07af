// What changed between two catalog versions: features added, removed, and changed — naming the
// fields that differ, and for parameters which ones.
import { canonicalJson } from "../canonical-json";
import type { LoadedCatalog } from "./catalog-store";
import type { Feature } from "./feature-schema";

export interface FeatureChange {
  id: string;
  name: string;
  /** e.g. ["status", "requires", "parameters: txPower, drxCycle"]. */
  fields: string[];
}

export interface CatalogComparison {
  added: Feature[];
  removed: Feature[];
  changed: FeatureChange[];
  unchanged: number;
}

const SCALAR_FIELDS = ["name", "category", "release", "package", "status", "description"] as const;

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));

function changedFields(before: Feature, after: Feature): string[] {
  const fields: string[] = SCALAR_FIELDS.filter((field) => before[field] !== after[field]);
  if (!sameSet(before.requires, after.requires)) fields.push("requires");
  if (!sameSet(before.conflicts, after.conflicts)) fields.push("conflicts");
  const params = new Set([...before.parameters, ...after.parameters].map((p) => p.name));
  const changedParams = [...params].filter((name) => {
    const a = before.parameters.find((p) => p.name === name);
    const b = after.parameters.find((p) => p.name === name);
    return canonicalJson(a) !== canonicalJson(b);
  });
  if (changedParams.length > 0) fields.push(`parameters: ${changedParams.sort().join(", ")}`);
  return fields;
}

/** Two versions, or a version and a file's features not yet written (an import's check). */
export function compareCatalogs(from: Pick<LoadedCatalog, "features" | "byId">, to: Pick<LoadedCatalog, "features" | "byId">): CatalogComparison {
  const added = to.features.filter((f) => !from.byId.has(f.id));
  const removed = from.features.filter((f) => !to.byId.has(f.id));
  const changed: FeatureChange[] = [];
  let unchanged = 0;
  for (const after of to.features) {
    const before = from.byId.get(after.id);
    if (!before) continue;
    const fields = changedFields(before, after);
    if (fields.length > 0) changed.push({ id: after.id, name: after.name, fields });
    else unchanged++;
  }
  return { added, removed, changed, unchanged };
}
