// Exporting a feature set: refuse while it cannot be exported (features the catalog dropped,
// conflicts, values the catalog now refuses), else build the documents, check each against the
// schema, keep them as generations, and hand back the files — one, or a zip of one per site.
import { type Zippable, zipSync } from "fflate";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { AppServices } from "../context";
import type { AppTranslate } from "../messages";
import { buildDocument, renderDocument } from "./document";
import type { FeatureSet } from "./feature-set-store";
import type { GenerationStore } from "./generation-store";
import { checkAgainstCatalog, resolveSet } from "./resolve";
import { loadPinned } from "./set-catalog";

export type ExportScope = { kind: "set" } | { kind: "site"; name: string } | { kind: "all-sites" };

export interface ExportFile {
  name: string;
  type: string;
  body: Uint8Array;
}

/** Zip entries get a fixed time so the same documents give the same zip bytes. */
const ZIP_TIME = new Date("2000-01-01T00:00:00Z");

/** Why the set cannot be exported now; empty when it can. */
export function exportBlockers(set: FeatureSet, catalog: LoadedCatalog, t: AppTranslate): string[] {
  const resolution = resolveSet(set.content, catalog);
  const nameOf = (id: string) => catalog.byId.get(id)?.name ?? id;
  return [
    ...resolution.missing.map((id) => t("sets.blocked.missing", { id })),
    ...resolution.conflicts.map(([a, b]) => t("sets.blocked.conflict", { a: `${a} (${nameOf(a)})`, b: `${b} (${nameOf(b)})` })),
    ...checkAgainstCatalog(set.content, catalog, t, set.content).map((p) => p.message),
    ...(resolution.features.length === 0 ? [t("sets.blocked.empty")] : []),
  ];
}

export const fileStem = (set: FeatureSet) => `feature-set-${set.id}-r${set.revision}`;
const siteFile = (set: FeatureSet, site: string) => `${fileStem(set)}-${site.replace(/ /g, "_")}.json`;

export async function exportSet(
  services: AppServices,
  generations: GenerationStore,
  set: FeatureSet,
  scope: ExportScope,
  t: AppTranslate,
): Promise<{ ok: true; file: ExportFile } | { ok: false; status: 404 | 422; errors: string[] }> {
  const catalog = await loadPinned(services.catalog, set);
  if (!catalog) return { ok: false, status: 422, errors: [t("sets.blocked.noCatalog")] };
  const blockers = exportBlockers(set, catalog, t);
  if (blockers.length > 0) return { ok: false, status: 422, errors: blockers };
  const resolution = resolveSet(set.content, catalog);
  const sites = scope.kind === "all-sites" ? set.content.sites : scope.kind === "site" ? set.content.sites.filter((s) => s.name === scope.name) : [];
  if (scope.kind === "site" && sites.length === 0) return { ok: false, status: 404, errors: [t("sets.error.noSite", { name: scope.name })] };
  if (scope.kind === "all-sites" && sites.length === 0) return { ok: false, status: 422, errors: [t("sets.blocked.noSites")] };

  const files: { site: string | null; name: string; text: string }[] = [];
  if (scope.kind === "set") files.push({ site: null, name: `${fileStem(set)}.json`, text: renderDocument(buildDocument(set, resolution, catalog)) });
  for (const site of sites) {
    files.push({ site: site.name, name: siteFile(set, site.name), text: renderDocument(buildDocument(set, resolution, catalog, site)) });
    if (scope.kind === "all-sites") services.live.broadcast({ type: "progress", task: "export", done: files.length, total: sites.length });
  }
  await generations.record(
    { setId: set.id, setRevision: set.revision, catalogVersionId: catalog.version.id, createdBy: services.assignment().user },
    files,
  );
  if (scope.kind !== "all-sites") {
    const [only] = files;
    return { ok: true, file: { name: only!.name, type: "application/json; charset=utf-8", body: new TextEncoder().encode(only!.text) } };
  }
  const entries: Zippable = Object.fromEntries(files.map((f) => [f.name, [new TextEncoder().encode(f.text), { mtime: ZIP_TIME }]]));
  return { ok: true, file: { name: `${fileStem(set)}-sites.zip`, type: "application/zip", body: zipSync(entries) } };
}

export function download(file: ExportFile): Response {
  return new Response(new Uint8Array(file.body), {
    headers: {
      "content-type": file.type,
      "content-disposition": `attachment; filename="${encodeURIComponent(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    },
  });
}
