// What a new catalog version would do to the team's feature sets, worked out before it is
// written: the features sets use (chosen, given values, or pulled in as prerequisites) that the
// new version drops, and those whose parameters it changes, each set against the version it is
// pinned to (what its owner's upgrade will meet). Catalog editors see it and confirm.
import { canonicalJson } from "../canonical-json";
import type { FeatureDatabase } from "../db/connection";
import { featureSets } from "../db/schema";
import type { SetContent } from "../sets/set-content";
import { loadPinned } from "../sets/set-catalog";
import { prerequisitesOf } from "./catalog-rules";
import type { CatalogStore, LoadedCatalog } from "./catalog-store";
import type { Feature } from "./feature-schema";

export interface SetImpact {
  id: number;
  name: string;
  owner: string;
  dropped: string[];
  changed: string[];
}

export interface CatalogImpact {
  /** Used features the new version no longer has. */
  dropped: string[];
  /** Used features whose parameters differ in the new version. */
  changed: string[];
  sets: SetImpact[];
  owners: string[];
}

export const hasImpact = (impact: CatalogImpact) => impact.sets.length > 0;

/** Every feature a set relies on in `catalog`: chosen ones, their prerequisites, and any with values. */
export function usedFeatures(content: SetContent, catalog: LoadedCatalog): Set<string> {
  const used = new Set(content.features);
  for (const id of content.features) for (const needed of prerequisitesOf(catalog.byId, id)) used.add(needed);
  for (const id of Object.keys(content.values ?? {})) used.add(id);
  for (const site of content.sites ?? []) for (const id of Object.keys(site.overrides ?? {})) used.add(id);
  return used;
}

/**
 * Each set is judged against the version it is pinned to (set-catalog.ts), since that is what its
 * owner's upgrade to the new version will compare. Sets are taken one pinned version at a time, so
 * only one old version is held in memory besides the new one.
 */
export async function catalogImpact(db: FeatureDatabase, catalogs: CatalogStore, next: Feature[]): Promise<CatalogImpact> {
  const impact: CatalogImpact = { dropped: [], changed: [], sets: [], owners: [] };
  const nextById = new Map(next.map((f) => [f.id, f]));
  const rows = await db
    .select({ id: featureSets.id, name: featureSets.name, owner: featureSets.owner, content: featureSets.content, pinned: featureSets.catalogVersionId })
    .from(featureSets)
    .orderBy(featureSets.catalogVersionId, featureSets.id);
  const dropped = new Set<string>();
  const changed = new Set<string>();
  const byVersion = Map.groupBy(rows, (row) => row.pinned);
  for (const [pinned, sets] of byVersion) {
    const base = await loadPinned(catalogs, { catalogVersionId: pinned });
    if (!base) continue;
    const verdict = new Map<string, "dropped" | "changed" | "same">();
    const judge = (id: string) => {
      let known = verdict.get(id);
      if (known) return known;
      const after = nextById.get(id);
      const before = base.byId.get(id);
      known = !after ? (before ? "dropped" : "same") : before && canonicalJson(before.parameters) !== canonicalJson(after.parameters) ? "changed" : "same";
      verdict.set(id, known);
      return known;
    };
    for (const row of sets) {
      const set: SetImpact = { id: row.id, name: row.name, owner: row.owner, dropped: [], changed: [] };
      for (const id of usedFeatures(JSON.parse(row.content) as SetContent, base)) {
        const kind = judge(id);
        if (kind === "same") continue;
        set[kind].push(id);
        (kind === "dropped" ? dropped : changed).add(id);
      }
      if (set.dropped.length + set.changed.length === 0) continue;
      set.dropped.sort();
      set.changed.sort();
      impact.sets.push(set);
    }
  }
  impact.sets.sort((a, b) => a.id - b.id);
  impact.dropped = [...dropped].sort();
  impact.changed = [...changed].sort();
  impact.owners = [...new Set(impact.sets.map((s) => s.owner))].sort();
  return impact;
}

/** One line for the audit trail, the log and the API's refusal. */
export function impactSummary(impact: CatalogImpact): string {
  return `drops ${impact.dropped.length} features used by ${impact.sets.filter((s) => s.dropped.length > 0).length} sets (owners: ${impact.owners.join(", ")}); changes parameters of ${impact.changed.length}`;
}
