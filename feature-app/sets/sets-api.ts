// The feature sets for scripts, as JSON under /app/api: list, create, read, update (naming the
// revision it starts from), restore an old revision, delete, clone, export, and the published
// document schema. The checks are the page's: set-input.ts and the store.
import { type Context, Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../context";
import { appInEnglish } from "../messages";
import { documentJsonSchema } from "./document";
import { type FeatureSet, FeatureSetStore, restoreChange, type WriteResult } from "./feature-set-store";
import { GenerationStore } from "./generation-store";
import { auditFor } from "../audit";
import { resolveSet } from "./resolve";
import { EMPTY_CONTENT, MAX_SET_FEATURES } from "./set-content";
import { download, exportBlockers, exportScope, exportSet, fileStem, keptFile } from "./set-export";
import { readSitesFile, sitesToCsv, sitesToXlsx } from "./sites-table";
import { uploadLimit, uploadedFile } from "../catalog/import-routes";
import { checkContent, checkName, staleMessage } from "./set-input";
import { MAX_NOTE, noteText, revisionNote, userNote } from "./revision-note";
import { revisionDiff } from "./revision-diff";
import { idParam } from "../id-param";
import { pinnedCatalog } from "./set-catalog";

// Scripts read English; the pages pass the reader's language.
const t = appInEnglish;

const updateSchema = v.object({
  revision: v.pipe(v.number("revision must be the number of the revision you started from"), v.integer("revision must be a whole number")),
  name: v.optional(v.unknown()),
  content: v.optional(v.unknown()),
  /** Feature ids to choose besides those in content (or the stored ones): many in one revision. */
  add: v.optional(v.pipe(v.array(v.string("add must list feature ids"), "add must list feature ids"), v.maxLength(MAX_SET_FEATURES, `add may list at most ${MAX_SET_FEATURES} ids`))),
  note: v.optional(v.pipe(v.string("note must be text"), v.trim(), v.maxLength(MAX_NOTE, `note may have at most ${MAX_NOTE} characters`))),
});

const restoreSchema = v.object({
  revision: updateSchema.entries.revision,
  restore: v.pipe(v.number("restore must be the number of the revision to restore"), v.integer("restore must be a whole number")),
});

/** Content with more chosen features; content the schema will refuse anyway is passed on as it is. */
function withAdded(content: unknown, add: string[]): unknown {
  if (add.length === 0 || content === null || typeof content !== "object" || !Array.isArray((content as { features?: unknown }).features)) return content;
  const features = (content as { features: unknown[] }).features;
  return { ...content, features: [...features, ...add.filter((id) => !features.includes(id))] };
}

function summary(set: FeatureSet) {
  const { content: _content, ...rest } = set;
  return rest;
}

async function readJson(c: Context<AppEnv>): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; response: Response }> {
  const body = await c.req.json().catch(() => undefined);
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { ok: false, response: c.json({ error: "the body must be a JSON object" }, 400) };
  return { ok: true, body };
}

export function setsApi() {
  const app = new Hono<AppEnv>();
  const stores = (c: Context<AppEnv>) => ({ sets: new FeatureSetStore(c.var.services.db, auditFor(c)), generations: new GenerationStore(c.var.services.db, auditFor(c)) });
  const findSet = async (c: Context<AppEnv>) => {
    const id = idParam(c.req.param("id"));
    return id === undefined ? undefined : stores(c).sets.get(id);
  };
  const currentCatalog = async (c: Context<AppEnv>) => {
    const catalog = await c.var.services.catalog.loadCurrent();
    if (!catalog) throw new Error("no catalog loaded");
    return catalog;
  };
  const notFound = (c: Context<AppEnv>) => c.json({ error: `no feature set ${c.req.param("id")}` }, 404);
  const forbidden = (c: Context<AppEnv>, set: { owner: string }) => c.json({ error: `only ${set.owner}, who owns this feature set, may change it` }, 403);

  /** A save's outcome as the API answers it: the set, or why not (409 names the newest revision). */
  const savedAnswer = (c: Context<AppEnv>, set: FeatureSet, result: WriteResult, base: number) => {
    if (result.ok) return c.json(result.set);
    if (result.reason === "stale") return c.json({ error: staleMessage(t, base, result.current), revision: result.current.revision }, 409);
    return result.reason === "forbidden" ? forbidden(c, set) : notFound(c);
  };

  app.get("/schema", (c) => c.json(documentJsonSchema()));

  app.get("/feature-sets", async (c) => c.json({ items: (await stores(c).sets.list()).map(summary) }));

  app.post("/feature-sets", async (c) => {
    const read = await readJson(c);
    if (!read.ok) return read.response;
    const catalog = await currentCatalog(c);
    const name = checkName(read.body.name, t);
    const content = checkContent(read.body.content ?? EMPTY_CONTENT, catalog, t);
    if (!name.ok || !content.ok) return c.json({ errors: [...(name.ok ? [] : name.errors), ...(content.ok ? [] : content.errors)] }, 422);
    const set = await stores(c).sets.create(c.var.services.assignment().user, name.value, content.value, revisionNote("sets.note.created"), catalog.version.id);
    return c.json(set, 201);
  });

  app.get("/feature-sets/:id", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    const catalog = await pinnedCatalog(c.var.services.catalog, set);
    const resolution = resolveSet(set.content, catalog);
    return c.json({
      ...set,
      catalogVersion: catalog.version.id,
      currentCatalogVersion: (await c.var.services.catalog.current())?.id,
      resolved: { features: resolution.features.map(({ feature, ...rest }) => ({ ...rest, inCatalog: feature !== undefined })), conflicts: resolution.conflicts },
      exportBlockers: exportBlockers(set, catalog, t),
    });
  });

  app.put("/feature-sets/:id", async (c) => {
    const { sets } = stores(c);
    const set = await findSet(c);
    if (!set) return notFound(c);
    const read = await readJson(c);
    if (!read.ok) return read.response;
    const parsed = v.safeParse(updateSchema, read.body);
    if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
    const user = c.var.services.assignment().user;
    if (set.owner !== user) return forbidden(c, set);
    const input = parsed.output;
    const name = checkName(input.name ?? set.name, t);
    const content = checkContent(withAdded(input.content ?? set.content, input.add ?? []), await pinnedCatalog(c.var.services.catalog, set), t, set.content);
    if (!name.ok || !content.ok) return c.json({ errors: [...(name.ok ? [] : name.errors), ...(content.ok ? [] : content.errors)] }, 422);
    const note = input.note ? userNote(input.note) : revisionNote("sets.note.api");
    return savedAnswer(c, set, await sets.save(set.id, user, { baseRevision: input.revision, name: name.value, content: content.value, note }), input.revision);
  });

  app.delete("/feature-sets/:id", async (c) => {
    const { sets } = stores(c);
    const set = await findSet(c);
    if (!set) return notFound(c);
    const result = await sets.remove(set.id, c.var.services.assignment().user);
    if (result === "forbidden") return forbidden(c, set);
    return result === "deleted" ? c.body(null, 204) : notFound(c);
  });

  app.post("/feature-sets/:id/clone", async (c) => {
    const { sets } = stores(c);
    const set = await findSet(c);
    if (!set) return notFound(c);
    const read = await readJson(c);
    if (!read.ok) return read.response;
    const name = checkName(read.body.name ?? t("sets.copyName", { name: set.name }), t);
    if (!name.ok) return c.json({ errors: name.errors }, 422);
    const clone = await sets.clone(c.var.services.assignment().user, name.value, set);
    return c.json(clone, 201);
  });

  app.get("/feature-sets/:id/sites", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    const format = c.req.query("format") ?? "csv";
    if (format !== "csv" && format !== "xlsx") return c.json({ error: 'format must be "csv" or "xlsx"' }, 400);
    const body = format === "csv" ? new TextEncoder().encode(sitesToCsv(set.content.sites)) : await sitesToXlsx(set.content.sites);
    const type = format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return download({ name: `${fileStem(set)}-sites.${format}`, type, body });
  });

  /** Replaces the set's sites with an uploaded table, as one revision; `revision` (query) is the one you started from. */
  app.post("/feature-sets/:id/sites", uploadLimit(), async (c) => {
    const { sets } = stores(c);
    const set = await findSet(c);
    if (!set) return notFound(c);
    const user = c.var.services.assignment().user;
    if (set.owner !== user) return forbidden(c, set);
    const revision = idParam(c.req.query("revision"));
    if (revision === undefined) return c.json({ error: "revision (query) must be the number of the revision you started from" }, 400);
    const upload = await uploadedFile(c);
    if ("error" in upload) return c.json({ error: upload.error }, upload.status);
    const catalog = await currentCatalog(c);
    const read = await readSitesFile(upload.bytes, upload.name, resolveSet(set.content, catalog), t);
    if (!read.ok) return c.json({ error: `the table has ${read.problems.length} problems; nothing was imported`, problems: read.problems }, 422);
    const content = checkContent({ ...set.content, sites: read.sites }, catalog, t, set.content);
    if (!content.ok) return c.json({ errors: content.errors }, 422);
    const note = revisionNote("sets.note.sitesImported", { count: read.sites.length, file: upload.name });
    return savedAnswer(c, set, await sets.save(set.id, user, { baseRevision: revision, name: set.name, content: content.value, note }), revision);
  });

  app.get("/feature-sets/:id/revisions", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    const items = (await stores(c).sets.revisions(set.id)).map((r) => ({ ...r, note: noteText(r.note, t) }));
    return c.json({ items });
  });

  app.post("/feature-sets/:id/restore", async (c) => {
    const { sets } = stores(c);
    const set = await findSet(c);
    if (!set) return notFound(c);
    const read = await readJson(c);
    if (!read.ok) return read.response;
    const parsed = v.safeParse(restoreSchema, read.body);
    if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
    const user = c.var.services.assignment().user;
    if (set.owner !== user) return forbidden(c, set);
    const old = await sets.revision(set.id, parsed.output.restore);
    if (!old) return c.json({ error: t("sets.error.noRevision", { revision: parsed.output.restore }) }, 422);
    return savedAnswer(c, set, await sets.save(set.id, user, restoreChange(set, old, parsed.output.revision)), parsed.output.revision);
  });

  app.get("/feature-sets/:id/revisions/diff", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    const diff = await revisionDiff(stores(c).sets, set.id, c.req.query("a"), c.req.query("b"));
    return diff ? c.json(diff) : c.json({ error: "a and b must be numbers of two revisions of this feature set" }, 422);
  });

  app.get("/feature-sets/:id/generations", async (c) => {
    const set = await findSet(c);
    return set ? c.json({ items: await stores(c).generations.list(set.id) }) : notFound(c);
  });

  app.get("/feature-sets/:id/generations/diff", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    const [a, b] = [idParam(c.req.query("a")), idParam(c.req.query("b"))];
    const changes = a !== undefined && b !== undefined ? await stores(c).generations.diff(set.id, a, b) : undefined;
    return changes ? c.json({ changes }) : c.json({ error: "a and b must be ids of two generations of this feature set" }, 422);
  });

  app.get("/feature-sets/:id/generations/:generation", async (c) => {
    const set = await findSet(c);
    const id = c.req.param("generation");
    const generationId = idParam(id);
    const generation = set && generationId !== undefined ? await stores(c).generations.get(set.id, generationId) : undefined;
    if (!generation) return c.json({ error: `no generation ${id} of this feature set` }, 404);
    // ?zip: the whole export it belongs to, as the zip its POST answered.
    if (c.req.query("zip") !== undefined) return download(keptFile(await stores(c).generations.batch(set!.id, generation.batch), true));
    return c.body(generation.document, 200, { "content-type": "application/json; charset=utf-8" });
  });

  app.post("/feature-sets/:id/generations/:generation/pin", async (c) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    if (set.owner !== c.var.services.assignment().user) return forbidden(c, set);
    const read = await readJson(c);
    if (!read.ok) return read.response;
    if (typeof read.body.pinned !== "boolean") return c.json({ error: "pinned must be true or false" }, 400);
    const generationId = idParam(c.req.param("generation"));
    const done = generationId !== undefined && (await stores(c).generations.pin(set.id, generationId, read.body.pinned));
    return done ? c.json({ pinned: read.body.pinned }) : c.json({ error: `no generation ${c.req.param("generation")} of this feature set` }, 404);
  });

  /** GET renders the documents and stores nothing (safe for any link); POST keeps them, and only the owner may. */
  const exportRoute = (mode: "render" | "keep") => async (c: Context<AppEnv>) => {
    const set = await findSet(c);
    if (!set) return notFound(c);
    if (mode === "keep" && set.owner !== c.var.services.assignment().user) return forbidden(c, set);
    const scope = exportScope(c.req.query());
    if (!scope) return c.json({ error: 'sites must be "all"' }, 400);
    const exported = await exportSet(c.var.services, stores(c).generations, set, scope, t, mode);
    if (!exported.ok) return c.json({ errors: exported.errors }, exported.status);
    return download(exported.file);
  };
  app.get("/feature-sets/:id/export", exportRoute("render"));
  app.post("/feature-sets/:id/export", exportRoute("keep"));

  return app;
}
