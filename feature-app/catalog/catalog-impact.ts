// What a new catalog version would do, worked out before it is written. First to the current
// catalog, which it replaces for everyone at once: how many features it removes, adds and changes
// (a 5-row file replaces an 88-feature catalog with 5 features). Then to the team's feature sets:
// the features sets use (chosen, given values, or pulled in as prerequisites) that the new version
// drops, and those whose parameters it changes, each set against the version it is pinned to (what
// its owner's upgrade will meet). Catalog editors see both and confirm a version that removes
// features or affects sets; one confirmation covers both.
import { canonicalJson } from "../canonical-json";
import type { FeatureDatabase } from "../db/connection";
import { featureSets } from "../db/schema";
import type { SetContent } from "../sets/set-content";
import { loadPinned } from "../sets/set-catalog";
import { compareCatalogs } from "./catalog-compare";
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

/** The new version against the current one, which it replaces as the catalog everyone sees. */
export interface CurrentCatalogChange {
  /** The current version's number and how many features it has. */
  version: number;
  features: number;
  /** How many features the new version has. */
  incoming: number;
  added: number;
  changed: number;
  /** The current catalog's features the new version does not have. */
  removed: { id: string; name: string }[];
}

export interface CatalogImpact {
  /** Absent only while there is no catalog at all. */
  current?: CurrentCatalogChange;
  /** Used features the new version no longer has. */
  dropped: string[];
  /** Used features whose parameters differ in the new version. */
  changed: string[];
  sets: SetImpact[];
  owners: string[];
}

export const affectsSets = (impact: CatalogImpact) => impact.sets.length > 0;
export const removesFeatures = (impact: CatalogImpact) => (impact.current?.removed.length ?? 0) > 0;
/** Writing it needs the editor's explicit confirmation (`confirm` on the pages, `?confirm=true` in the API). */
export const needsConfirmation = (impact: CatalogImpact) => affectsSets(impact) || removesFeatures(impact);

/** An editor's confirmation, with the current version the page they confirmed on was worked out against (scripts say none). */
export interface Confirmation {
  given: boolean;
  against?: number;
}
/** A confirmation holds for the current catalog it was given for: one made current since needs a new look first. */
export const confirmationHolds = (confirmation: Confirmation, impact: CatalogImpact) =>
  confirmation.given && (confirmation.against === undefined || confirmation.against === impact.current?.version);

/** The new version's features against the current catalog's. */
async function currentCatalogChange(catalogs: CatalogStore, next: Feature[], nextById: Map<string, Feature>): Promise<CurrentCatalogChange | undefined> {
  const current = await catalogs.loadCurrent();
  if (!current) return undefined;
  const { added, removed, changed } = compareCatalogs(current, { features: next, byId: nextById });
  return {
    version: current.version.id,
    features: current.features.length,
    incoming: next.length,
    added: added.length,
    changed: changed.length,
    removed: removed.map(({ id, name }) => ({ id, name })),
  };
}

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
 * only one old version is held in memory besides the new one and the current one.
 */
export async function catalogImpact(db: FeatureDatabase, catalogs: CatalogStore, next: Feature[]): Promise<CatalogImpact> {
  const nextById = new Map(next.map((f) => [f.id, f]));
  const impact: CatalogImpact = { current: await currentCatalogChange(catalogs, next, nextById), dropped: [], changed: [], sets: [], owners: [] };
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

/** One line for the audit trail, the log and the API's refusal: what needs the confirmation. */
export function impactSummary(impact: CatalogImpact): string {
  const parts: string[] = [];
  const { current } = impact;
  if (current && removesFeatures(impact)) {
    parts.push(`removes ${current.removed.length} of the ${current.features} features of the current version ${current.version} (adds ${current.added}, changes ${current.changed})`);
  }
  if (affectsSets(impact)) {
    parts.push(
      `drops ${impact.dropped.length} features used by ${impact.sets.filter((s) => s.dropped.length > 0).length} sets (owners: ${impact.owners.join(", ")}); changes parameters of ${impact.changed.length}`,
    );
  }
  return parts.join("; ");
}

/** The end of an import's or make-current's audit detail: what was confirmed, if anything needed it. */
export const confirmedDetail = (impact: CatalogImpact) => (needsConfirmation(impact) ? ` confirmed: ${impactSummary(impact)}` : "");
