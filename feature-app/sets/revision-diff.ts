// Two revisions of a set compared: chosen features added and removed, sites added, removed and
// changed, and every value that differs (the set's name, set-wide values, site overrides) as the
// generation diff shows documents: a path with the old and the new value.
import { idParam } from "../id-param";
import type { FeatureSetStore, Revision } from "./feature-set-store";
import { type JsonChange, diffJson } from "./json-diff";

export interface RevisionDiff {
  from: number;
  to: number;
  features: { added: string[]; removed: string[] };
  sites: { added: string[]; removed: string[]; changed: string[] };
  changes: JsonChange[];
}

const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).sort();

export function diffRevisions(before: Revision, after: Revision): RevisionDiff {
  const shape = (r: Revision) => ({ name: r.name, values: r.content.values, sites: r.content.sites });
  const sites = (r: Revision) => new Map(r.content.sites.map((s) => [s.name, JSON.stringify(s.overrides)]));
  const [old, next] = [sites(before), sites(after)];
  return {
    from: before.revision,
    to: after.revision,
    features: { added: minus(after.content.features, before.content.features), removed: minus(before.content.features, after.content.features) },
    sites: {
      added: minus([...next.keys()], [...old.keys()]),
      removed: minus([...old.keys()], [...next.keys()]),
      changed: [...next.keys()].filter((name) => old.has(name) && old.get(name) !== next.get(name)).sort(),
    },
    changes: diffJson(shape(before), shape(after)),
  };
}

/** The diff of revisions `a` and `b` (as the query gives them) of a set; undefined unless both are its revisions. */
export async function revisionDiff(store: FeatureSetStore, setId: number, a: string | undefined, b: string | undefined): Promise<RevisionDiff | undefined> {
  const [from, to] = [idParam(a), idParam(b)];
  if (from === undefined || to === undefined) return undefined;
  const [before, after] = [await store.revision(setId, from), await store.revision(setId, to)];
  return before && after ? diffRevisions(before, after) : undefined;
}
