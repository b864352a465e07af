// Undo for the catalog: "make version N current" writes a new version with N's features, so the
// history stays linear and the step is in it (and in the audit trail), like any import. It affects
// the current catalog and feature sets the same way an import does, so it needs the same confirmation.
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { auditFor } from "../audit";
import { type CatalogImpact, type Confirmation, catalogImpact, confirmationHolds, confirmedDetail, needsConfirmation } from "./catalog-impact";
import type { CatalogVersion, LoadedCatalog } from "./catalog-store";

export type MakeCurrentOutcome =
  | { missing: true }
  | { unchanged: CatalogVersion; source: LoadedCatalog }
  | { unconfirmed: CatalogImpact; source: LoadedCatalog }
  | { version: CatalogVersion; source: LoadedCatalog; impact: CatalogImpact };

/** What making `id` current would do, without doing it: for the confirmation page. */
export async function previewMakeCurrent(c: Context<AppEnv>, id: number): Promise<{ source: LoadedCatalog; current?: CatalogVersion; impact: CatalogImpact } | undefined> {
  const { catalog, db } = c.var.services;
  const source = await catalog.load(id);
  if (!source) return undefined;
  const current = await catalog.loadCurrent();
  return { source, current: current?.version, impact: await catalogImpact(db, catalog, source.features) };
}

export async function makeCurrent(c: Context<AppEnv>, id: number, confirmation: Confirmation): Promise<MakeCurrentOutcome> {
  const preview = await previewMakeCurrent(c, id);
  if (!preview) return { missing: true };
  const { source, current, impact } = preview;
  if (current && current.contentHash === source.version.contentHash) return { unchanged: current, source };
  if (needsConfirmation(impact) && !confirmationHolds(confirmation, impact)) return { unconfirmed: impact, source };
  const version = await c.var.services.catalog.addVersion(
    { name: source.version.name, source: `v${source.version.id}`, format: "restore", importedBy: c.var.services.assignment().user, features: source.features },
    undefined,
    (tx, row) => auditFor(c)(tx, "catalog.make-current", `v${row.id}`, `from=v${source.version.id} featureCount=${row.featureCount}${confirmedDetail(impact)}`),
  );
  return { version, source, impact };
}
