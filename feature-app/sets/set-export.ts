// Exporting a feature set: refuse while it cannot be exported (features the catalog dropped,
// conflicts, values the catalog now refuses), else build the documents and check each against
// the schema. Rendering stores nothing (a GET); keeping (a POST, by the owner) records them as
// one batch of generations. Either way the answer is one file, or a zip of one per site whose
// entries carry the time of what they show: the generation's, or the revision's for a rendering,
// so the same inputs always give the same bytes.
import { type Zippable, zipSync } from "fflate";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { AppServices } from "../context";
import type { AppTranslate } from "../messages";
import { buildDocument, renderDocument } from "./document";
import type { FeatureSet } from "./feature-set-store";
import type { Generation, GenerationStore } from "./generation-store";
import { checkAgainstCatalog, resolveSet } from "./resolve";
import { exportWarnings } from "./set-status";
import { loadPinned } from "./set-catalog";

export type ExportScope = { kind: "set" } | { kind: "site"; name: string } | { kind: "all-sites" };

export interface ExportFile {
  name: string;
  type: string;
  body: Uint8Array;
  /** Features the export includes although the catalog marks them deprecated or planned. */
  warnings: string[];
}

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

export const fileStem = (set: { id: number; revision: number }) => `feature-set-${set.id}-r${set.revision}`;
const documentName = (set: { id: number; revision: number }, site: string | null) =>
  site === null ? `${fileStem(set)}.json` : `${fileStem(set)}-${site.replace(/ /g, "_")}.json`;

type Exported = { ok: true; file: ExportFile } | { ok: false; status: 404 | 422; errors: string[] };

export async function exportSet(
  services: AppServices,
  generations: GenerationStore,
  set: FeatureSet,
  scope: ExportScope,
  t: AppTranslate,
  mode: "render" | "keep",
): Promise<Exported> {
  const catalog = await loadPinned(services.catalog, set);
  if (!catalog) return { ok: false, status: 422, errors: [t("sets.blocked.noCatalog")] };
  const blockers = exportBlockers(set, catalog, t);
  if (blockers.length > 0) return { ok: false, status: 422, errors: blockers };
  const resolution = resolveSet(set.content, catalog);
  const sites = scope.kind === "all-sites" ? set.content.sites : scope.kind === "site" ? set.content.sites.filter((s) => s.name === scope.name) : [];
  if (scope.kind === "site" && sites.length === 0) return { ok: false, status: 404, errors: [t("sets.error.noSite", { name: scope.name })] };
  if (scope.kind === "all-sites" && sites.length === 0) return { ok: false, status: 422, errors: [t("sets.blocked.noSites")] };

  const files: { site: string | null; text: string }[] = [];
  if (scope.kind === "set") files.push({ site: null, text: renderDocument(buildDocument(set, resolution, catalog)) });
  for (const site of sites) {
    files.push({ site: site.name, text: renderDocument(buildDocument(set, resolution, catalog, site)) });
    if (scope.kind === "all-sites") services.live.broadcast({ type: "progress", task: "export", done: files.length, total: sites.length });
  }
  const warnings = exportWarnings(resolution, t);
  if (mode === "render") return { ok: true, file: { ...pack(set, files, set.updatedAt, scope.kind === "all-sites"), warnings } };
  const kept = await generations.record(
    { setId: set.id, setRevision: set.revision, catalogVersionId: catalog.version.id, createdBy: services.assignment().user },
    files,
    services.generationKeep,
  );
  return { ok: true, file: { ...keptFile(kept, scope.kind === "all-sites"), warnings } };
}

/** A kept export again, byte for byte: its one document, or the zip of its documents. */
export function keptFile(batch: Generation[], zip: boolean): Omit<ExportFile, "warnings"> {
  const first = batch[0]!;
  return pack({ id: first.setId, revision: first.setRevision }, batch.map((g) => ({ site: g.site, text: g.document })), first.createdAt, zip);
}

function pack(set: { id: number; revision: number }, files: { site: string | null; text: string }[], time: Date, zip: boolean): Omit<ExportFile, "warnings"> {
  if (!zip) {
    const only = files[0]!;
    return { name: documentName(set, only.site), type: "application/json; charset=utf-8", body: new TextEncoder().encode(only.text) };
  }
  const entries: Zippable = Object.fromEntries(files.map((f) => [documentName(set, f.site), [new TextEncoder().encode(f.text), { mtime: time }]]));
  return { name: `${fileStem(set)}-sites.zip`, type: "application/zip", body: zipSync(entries) };
}

export function download(file: Omit<ExportFile, "warnings"> & { warnings?: string[] }): Response {
  const headers: Record<string, string> = {
    "content-type": file.type,
    "content-disposition": `attachment; filename="${encodeURIComponent(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  };
  // Header values are Latin-1: the warnings go as JSON with every other character escaped.
  if (file.warnings && file.warnings.length > 0) headers["x-export-warnings"] = JSON.stringify(file.warnings).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return new Response(new Uint8Array(file.body), { headers });
}
