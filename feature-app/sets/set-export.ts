// Exporting a feature set: refuse while it cannot be exported (features the catalog dropped,
// conflicts, values the catalog now refuses), else build the documents and check each against
// the schema. Rendering stores nothing (a GET); keeping (a POST, by the owner) records them as
// one batch of generations. A download, and the API's keep, answer one file, or a zip of one per
// site whose entries carry the time of what they show: the generation's, or the revision's for a
// rendering, so the same inputs always give the same bytes. The set page's keep takes the batch
// itself and shows it (sets-routes.tsx); its files download from the generations' own links.
import { type Zippable, zipSync } from "fflate";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { AppServices } from "../context";
import type { AppTranslate } from "../messages";
import { buildDocument, renderDocument } from "./document";
import type { FeatureSet } from "./feature-set-store";
import type { GeneratedFile, Generation, GenerationStore } from "./generation-store";
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

/** The export a request asks for: `sites=all`, `site=NAME`, or (neither) the whole set; undefined for any other value. */
export function exportScope(asked: { sites?: unknown; site?: unknown }): ExportScope | undefined {
  if ((asked.sites !== undefined && asked.sites !== "all") || (asked.site !== undefined && typeof asked.site !== "string")) return undefined;
  if (asked.sites === "all") return { kind: "all-sites" };
  return typeof asked.site === "string" ? { kind: "site", name: asked.site } : { kind: "set" };
}

type Refused = { ok: false; status: 404 | 422; errors: string[] };
type Built = { ok: true; files: GeneratedFile[]; warnings: string[]; catalogVersionId: number } | Refused;
type Exported = { ok: true; file: ExportFile } | Refused;

/** The documents of an export, each checked against the schema; or why the set cannot be exported now. */
async function buildExport(services: AppServices, set: FeatureSet, scope: ExportScope, t: AppTranslate): Promise<Built> {
  const catalog = await loadPinned(services.catalog, set);
  if (!catalog) return { ok: false, status: 422, errors: [t("sets.blocked.noCatalog")] };
  const blockers = exportBlockers(set, catalog, t);
  if (blockers.length > 0) return { ok: false, status: 422, errors: blockers };
  const resolution = resolveSet(set.content, catalog);
  const sites = scope.kind === "all-sites" ? set.content.sites : scope.kind === "site" ? set.content.sites.filter((s) => s.name === scope.name) : [];
  if (scope.kind === "site" && sites.length === 0) return { ok: false, status: 404, errors: [t("sets.error.noSite", { name: scope.name })] };
  if (scope.kind === "all-sites" && sites.length === 0) return { ok: false, status: 422, errors: [t("sets.blocked.noSites")] };

  const files: GeneratedFile[] = [];
  if (scope.kind === "set") files.push({ site: null, text: renderDocument(buildDocument(set, resolution, catalog)) });
  for (const site of sites) {
    files.push({ site: site.name, text: renderDocument(buildDocument(set, resolution, catalog, site)) });
    if (scope.kind === "all-sites") services.live.broadcast({ type: "progress", task: "export", done: files.length, total: sites.length });
  }
  return { ok: true, files, warnings: exportWarnings(resolution, t), catalogVersionId: catalog.version.id };
}

/** Keeps an export as one batch of generations (the caller has checked that the reader owns the set). */
export async function keepExport(
  services: AppServices,
  generations: GenerationStore,
  set: FeatureSet,
  scope: ExportScope,
  t: AppTranslate,
): Promise<{ ok: true; kept: Generation[]; warnings: string[] } | Refused> {
  const built = await buildExport(services, set, scope, t);
  if (!built.ok) return built;
  const source = { setId: set.id, setRevision: set.revision, catalogVersionId: built.catalogVersionId, createdBy: services.assignment().user };
  return { ok: true, kept: await generations.record(source, built.files, services.generationKeep), warnings: built.warnings };
}

/** The export as the file a download (render) or the API's keep answers. */
export async function exportSet(
  services: AppServices,
  generations: GenerationStore,
  set: FeatureSet,
  scope: ExportScope,
  t: AppTranslate,
  mode: "render" | "keep",
): Promise<Exported> {
  const zip = scope.kind === "all-sites";
  if (mode === "keep") {
    const kept = await keepExport(services, generations, set, scope, t);
    return kept.ok ? { ok: true, file: { ...keptFile(kept.kept, zip), warnings: kept.warnings } } : kept;
  }
  const built = await buildExport(services, set, scope, t);
  return built.ok ? { ok: true, file: { ...pack(set, built.files, set.updatedAt, zip), warnings: built.warnings } } : built;
}

/** A kept export again, byte for byte: its one document, or the zip of its documents. */
export function keptFile(batch: Generation[], zip: boolean): Omit<ExportFile, "warnings"> {
  const first = batch[0]!;
  return pack({ id: first.setId, revision: first.setRevision }, batch.map((g) => ({ site: g.site, text: g.document })), first.createdAt, zip);
}

/** The name a kept export downloads as: its one document's, or its zip's. */
export function keptName(batch: Pick<Generation, "setId" | "setRevision" | "site">[], zip: boolean): string {
  const first = batch[0]!;
  return exportName({ id: first.setId, revision: first.setRevision }, first.site, zip);
}

const exportName = (set: { id: number; revision: number }, site: string | null, zip: boolean) => (zip ? `${fileStem(set)}-sites.zip` : documentName(set, site));

function pack(set: { id: number; revision: number }, files: GeneratedFile[], time: Date, zip: boolean): Omit<ExportFile, "warnings"> {
  const name = exportName(set, files[0]!.site, zip);
  if (!zip) return { name, type: "application/json; charset=utf-8", body: new TextEncoder().encode(files[0]!.text) };
  const entries: Zippable = Object.fromEntries(files.map((f) => [documentName(set, f.site), [new TextEncoder().encode(f.text), { mtime: time }]]));
  return { name, type: "application/zip", body: zipSync(entries) };
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
