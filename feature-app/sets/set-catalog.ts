// The catalog a feature set resolves against: the version it is pinned to, not the newest one, so
// a new import never breaks someone's set or export; the owner moves it on with an upgrade
// (set-upgrade.ts). A set pinned to nothing (no catalog existed when it was made) uses the newest.
import type { CatalogStore, LoadedCatalog } from "../catalog/catalog-store";

type Pinned = { catalogVersionId: number | null } | undefined;

/** Undefined only while no catalog exists at all. */
export async function loadPinned(catalog: CatalogStore, set: Pinned): Promise<LoadedCatalog | undefined> {
  return set?.catalogVersionId ? catalog.load(set.catalogVersionId) : catalog.loadCurrent();
}

export async function pinnedCatalog(catalog: CatalogStore, set: Pinned): Promise<LoadedCatalog> {
  const loaded = await loadPinned(catalog, set);
  if (!loaded) throw new Error("no catalog loaded");
  return loaded;
}
