// The catalog's HTTP API for scripts (JSON), with the same rules as the pages: the same query
// schema, the same import checks (an import either becomes a version or is refused whole).
import { type Context, Hono } from "hono";
import type { AppEnv } from "../context";
import { appInEnglish } from "../messages";
import { compareCatalogs } from "./catalog-compare";
import { csvForExcel } from "../../src/http/excel-csv";
import { CatalogFileError, catalogToCsv, catalogToJson, catalogToXlsx } from "./catalog-file";
import type { CatalogImports } from "./catalog-import";
import { dependentsOf, prerequisitesOf } from "./catalog-rules";
import type { LoadedCatalog } from "./catalog-store";
import { parseFeatureQuery } from "./feature-query";
import { importDetail, uploadLimit, uploadedFile } from "./import-routes";
import { requireCatalogEditor } from "./catalog-editors";
import { auditFor } from "../audit";
import { impactSummary } from "./catalog-impact";
import { makeCurrent } from "./make-current";
import { idParam } from "../id-param";

const EXPORT_TYPES = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  json: "application/json; charset=utf-8",
} as const;

/** The version named by ?version=N, or the current one; an error message when there is no such version. */
async function chosenCatalog(c: Context<AppEnv>): Promise<LoadedCatalog | string> {
  const { catalog } = c.var.services;
  const requested = c.req.query("version");
  if (requested === undefined) return (await catalog.loadCurrent()) ?? "no catalog has been loaded";
  const id = idParam(requested);
  if (id === undefined) return "version must be a catalog version number";
  return (await catalog.load(id)) ?? `there is no catalog version ${requested}`;
}

export function catalogApi(imports: CatalogImports) {
  const app = new Hono<AppEnv>();

  app.get("/features", async (c) => {
    const parsed = parseFeatureQuery(c.req.query());
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const version = await c.var.services.catalog.current();
    if (!version) return c.json({ error: "no catalog has been loaded" }, 503);
    const { items, total } = await c.var.services.catalog.search(version.id, parsed.query);
    return c.json({ items, total, page: parsed.query.page, pageSize: parsed.query.pageSize, version: version.id });
  });

  app.get("/features/:id", async (c) => {
    const catalog = await chosenCatalog(c);
    if (typeof catalog === "string") return c.json({ error: catalog }, 404);
    const id = c.req.param("id");
    const feature = catalog.byId.get(id);
    if (!feature) return c.json({ error: `catalog version ${catalog.version.id} has no feature ${id}` }, 404);
    return c.json({ feature, prerequisites: prerequisitesOf(catalog.byId, id), dependents: dependentsOf(catalog.features, id), version: catalog.version.id });
  });

  app.get("/catalog/versions", async (c) => c.json({ items: await c.var.services.catalog.versions() }));

  app.post("/catalog/versions/:id{[0-9]+}/make-current", requireCatalogEditor(), async (c) => {
    const outcome = await makeCurrent(c, Number(c.req.param("id")), { given: c.req.query("confirm") === "true" });
    if ("missing" in outcome) return c.json({ error: `there is no catalog version ${c.req.param("id")}` }, 404);
    if ("unchanged" in outcome) return c.json({ version: outcome.unchanged, unchanged: true }, 200);
    if ("unconfirmed" in outcome) {
      const impact = outcome.unconfirmed;
      return c.json({ error: `making version ${outcome.source.version.id} current ${impactSummary(impact)}; nothing was written: send it again with ?confirm=true to go ahead`, impact }, 409);
    }
    return c.json({ version: outcome.version, impact: outcome.impact }, 201);
  });

  app.get("/catalog/compare", async (c) => {
    const { catalog } = c.var.services;
    const ids = [idParam(c.req.query("from")), idParam(c.req.query("to"))];
    if (ids.includes(undefined)) return c.json({ error: "from and to must be catalog version numbers" }, 400);
    const [from, to] = await Promise.all(ids.map((id) => catalog.load(id!)));
    if (!from || !to) return c.json({ error: `there is no catalog version ${from ? ids[1] : ids[0]}` }, 404);
    const { added, removed, changed, unchanged } = compareCatalogs(from, to);
    return c.json({ from: from.version.id, to: to.version.id, added: added.map((f) => f.id), removed: removed.map((f) => f.id), changed, unchanged });
  });

  app.get("/catalog/export", async (c) => {
    const format = c.req.query("format") ?? "json";
    if (!(format in EXPORT_TYPES)) return c.json({ error: "format must be csv, xlsx or json" }, 400);
    const catalog = await chosenCatalog(c);
    if (typeof catalog === "string") return c.json({ error: catalog }, 404);
    const { version, features } = catalog;
    const body =
      format === "csv" ? csvForExcel(catalogToCsv(features)) : format === "xlsx" ? await catalogToXlsx(features) : catalogToJson(version.name, features);
    const fileName = `catalog-v${version.id}.${format}`;
    return c.body(body, 200, {
      "Content-Type": EXPORT_TYPES[format as keyof typeof EXPORT_TYPES],
      "Content-Disposition": `attachment; filename="${fileName}"`,
    });
  });

  app.post("/catalog/import", requireCatalogEditor(), uploadLimit(), async (c) => {
    const confirmed = c.req.query("confirm") === "true";
    const upload = await uploadedFile(c);
    if ("error" in upload) return c.json({ error: upload.error }, upload.status);
    const user = c.var.services.assignment().user;
    let draft: Awaited<ReturnType<CatalogImports["createDraft"]>>;
    try {
      draft = await imports.createDraft(user, upload.name, upload.bytes);
    } catch (error) {
      if (!(error instanceof CatalogFileError)) throw error;
      return c.json({ error: error.message, errors: [{ row: 0, column: "", value: upload.name, reason: error.message }] }, 422);
    }
    const { live } = c.var.services;
    const outcome = await imports.commit(draft, "en", {
      confirmation: { given: confirmed },
      progress: (phase, done, total) => live.broadcast({ type: "progress", task: "import", phase, done, total }),
      written: (tx, version, impact) => auditFor(c)(tx, "catalog.import", `v${version.id}`, importDetail(draft.fileName, version.featureCount, impact)),
    });
    if ("version" in outcome) return c.json({ version: outcome.version, impact: outcome.impact, encoding: outcome.encoding }, 201);
    // Nothing new: the current version already has exactly these features.
    if ("unchanged" in outcome) return c.json({ version: outcome.unchanged, unchanged: true, encoding: outcome.encoding }, 200);
    await imports.discard(draft);
    if ("unconfirmed" in outcome) {
      const { impact } = outcome.unconfirmed;
      return c.json({ error: `the new version ${impactSummary(impact)}; nothing was imported: send it again with ?confirm=true to import anyway`, impact }, 409);
    }
    const { checked } = outcome;
    const mappingErrors = Object.values(checked.mappingProblems).map((problem) => ({
      row: 1,
      column: problem.field,
      value: problem.header,
      reason: appInEnglish(`import.mapping.${problem.code}`, { ...problem }),
    }));
    const errors = [...mappingErrors, ...checked.errors];
    return c.json({ error: `the file has ${errors.length} problems; nothing was imported`, errors }, 422);
  });

  return app;
}
