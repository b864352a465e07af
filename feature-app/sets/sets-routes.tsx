// The feature set pages under /app/sets. Writes are plain form posts answered with a redirect
// (or, when refused, the page again with the reader's input and the reason, as 409/422/403);
// htmx serves the search, the as-you-type checks and the generation diff.
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { DEFAULT_QUERY } from "../catalog/feature-query";
import type { LoadedCatalog } from "../catalog/catalog-store";
import { isHtmx } from "../../src/http/htmx";
import { type AppEnv, appPage } from "../context";
import { NoticePage } from "../views/app-layout";
import { type FeatureSet, FeatureSetStore, type WriteResult } from "./feature-set-store";
import { GenerationStore } from "./generation-store";
import { RevisionPage } from "./revision-page";
import { resolveSet } from "./resolve";
import { coverageData, numericParameters, parameterData } from "./set-charts";
import { EMPTY_CONTENT, MAX_SITES } from "./set-content";
import { exportBlockers } from "./set-export";
import { contentFromForm, formFromBody, formFromContent, overridesText, parseOverrides, siteNameError, valueField, valueFieldError } from "./set-form";
import { readSitesFile } from "./sites-table";
import { SitesGrid, gridColumns, gridRows, overrideExample } from "./sites-grid";
import { uploadLimit } from "../catalog/import-routes";
import { checkContent, checkName, staleMessage } from "./set-input";
import { DiffResult, RevisionDiffResult } from "./set-history";
import { revisionDiff } from "./revision-diff";
import { DraftParts, SearchResults, SetPage, type SetView } from "./set-page";
import { SetsListPage } from "./sets-list-page";
import { MAX_NOTE, revisionNote, userNote } from "./revision-note";
import { type Draft, DraftStore } from "./draft-store";
import { addFeatures, parseIds, withoutFeatures, workingFeatures, workingForm } from "./set-draft";
import { pageOf } from "./set-paging";

type C = Context<AppEnv>;
type Status = 200 | 403 | 404 | 409 | 413 | 422;

const wholeNumber = v.pipe(v.string(), v.regex(/^\d{1,9}$/), v.transform(Number));
const SEARCH_LIMIT = 20;
/** Columns a grid may carry that no site has a value in yet. */
const MAX_COLUMNS = 200;
/** Ticked search results carried into the next search. */
const MAX_TICKED = 500;
/** A pasted id list is at most this long; a set's feature limit would refuse more anyway. */
const MAX_PASTE = 200_000;

export function setsRoutes() {
  const app = new Hono<AppEnv>();
  const sets = (c: C) => new FeatureSetStore(c.var.services.db);
  const generations = (c: C) => new GenerationStore(c.var.services.db);
  const drafts = (c: C) => new DraftStore(c.var.services.db);
  const user = (c: C) => c.var.services.assignment().user;
  const catalogOf = async (c: C): Promise<LoadedCatalog> => {
    const catalog = await c.var.services.catalog.loadCurrent();
    if (!catalog) throw new Error("no catalog loaded");
    return catalog;
  };
  const notFound = (c: C) => {
    const t = c.var.appT;
    return c.html(<NoticePage page={appPage(c)} title={t("sets.notFoundTitle")} message={t("sets.notFound", { id: c.req.param("id") ?? "" })} />, 404);
  };
  const loadSet = async (c: C) => {
    const id = v.safeParse(wholeNumber, c.req.param("id"));
    return id.success ? sets(c).get(id.output) : undefined;
  };
  const search = async (c: C, q: string) => {
    if (q.trim() === "") return { q, items: [] };
    const catalog = await catalogOf(c);
    const found = await c.var.services.catalog.search(catalog.version.id, { ...DEFAULT_QUERY, q: q.slice(0, 200), pageSize: SEARCH_LIMIT });
    return { q, items: found.items };
  };

  /** The set page; `change` carries what a refused write keeps on screen. Its owner sees their draft, if any. */
  const render = async (c: C, set: FeatureSet, change: Partial<SetView> = {}, status: Status = 200) => {
    const view = await setView(c, set, change);
    return c.html(<SetPage page={appPage(c)} view={view} />, status);
  };
  const setView = async (c: C, set: FeatureSet, change: Partial<SetView> = {}): Promise<SetView> => {
    const catalog = await catalogOf(c);
    const editable = set.owner === user(c);
    const draft = editable ? await drafts(c).get(set.id, user(c)) : undefined;
    const resolution = resolveSet({ ...set.content, features: workingFeatures(set, draft) }, catalog);
    const featurePage = pageOf(resolution, { page: c.req.query("page"), filter: c.req.query("filter") });
    const saved = new Set(draft ? resolveSet(set.content, catalog).features.map((f) => f.id) : resolution.features.map((f) => f.id));
    return {
      set,
      catalog,
      resolution,
      editable,
      draft,
      baseRevision: draft?.baseRevision ?? set.revision,
      form: workingForm(set, draft, resolution),
      errors: {},
      problems: [],
      notice: notice(c, set),
      blockers: exportBlockers(set, catalog, c.var.appT),
      revisions: await sets(c).revisions(set.id),
      generations: await generations(c).list(set.id),
      search: await search(c, c.req.query("q") ?? ""),
      // The charts show the saved revision: the parameters of its features on this page.
      numericParameters: numericParameters({ ...resolution, features: featurePage.features.filter((f) => saved.has(f.id)) }),
      featurePage,
      sitesView: c.req.query("sites") === "text" ? "text" : "grid",
      generationKeep: c.var.services.generationKeep,
      ...change,
    };
  };
  const notice = (c: C, set: FeatureSet) => {
    const imported = c.req.query("imported");
    if (imported !== undefined && /^\d{1,4}$/.test(imported)) return c.var.appT("sites.table.imported", { count: imported });
    return c.req.query("saved") === undefined ? undefined : c.var.appT("sets.saved", { revision: set.revision });
  };
  /** After a draft changed: htmx gets the parts that show it, a plain form post the page again (its search kept). */
  const draftChanged = async (
    c: C,
    set: FeatureSet,
    body: Record<string, unknown>,
    messages: { problems?: string[]; notes?: string[]; bannerOnly?: boolean; focus?: string } = {},
    status: Status = 200,
  ) => {
    if (!isHtmx(c)) {
      if (status !== 200) return render(c, set, { problems: messages.problems ?? [] }, status);
      const q = typeof body.q === "string" && body.q !== "" ? `?q=${encodeURIComponent(body.q)}` : "";
      return c.redirect(`/app/sets/${set.id}${q}`, 303);
    }
    const view = await setView(c, set, { search: await search(c, typeof body.q === "string" ? body.q : ""), focus: messages.focus });
    return c.html(<DraftParts page={appPage(c)} view={view} problems={messages.problems ?? []} notes={messages.notes ?? []} bannerOnly={messages.bannerOnly} />, status);
  };

  /** After a write: back to the page on success, else the page with the reason. */
  const answer = async (c: C, set: FeatureSet, result: WriteResult, base: number, kept: Partial<SetView> = {}) => {
    const t = c.var.appT;
    if (result.ok) return c.redirect(`/app/sets/${set.id}?saved`, 303);
    if (result.reason === "not-found") return notFound(c);
    if (result.reason === "forbidden") return render(c, set, { problems: [t("sets.forbidden", { owner: set.owner })] }, 403);
    return render(c, result.current, { problems: [staleMessage(t, base, result.current)], ...kept }, 409);
  };
  const postedRevision = (body: Record<string, unknown>) => {
    const parsed = v.safeParse(wholeNumber, body.revision);
    return parsed.success ? parsed.output : -1;
  };
  /** The owner's draft, started from the stored set when there is none yet. */
  const draftOf = async (c: C, set: FeatureSet, base = set.revision): Promise<Omit<Draft, "updatedAt">> => {
    const existing = await drafts(c).get(set.id, user(c));
    if (existing) return existing;
    const catalog = await catalogOf(c);
    return { baseRevision: base, features: set.content.features, form: formFromContent(set.name, set.content, resolveSet(set.content, catalog)) };
  };
  /** The posted form over the draft's: a page shows (and posts) only some features' values, the rest stay. */
  const postedForm = async (c: C, set: FeatureSet, draft: Omit<Draft, "updatedAt">, body: Record<string, unknown>) => {
    const posted = formFromBody(body);
    const all = workingForm(set, draft, resolveSet({ ...set.content, features: draft.features }, await catalogOf(c)));
    return { ...posted, values: { ...all.values, ...posted.values } };
  };
  /** False only when the draft is too large; an edit from a page older than the set starts no draft (nothing to keep). */
  const keepDraft = async (c: C, set: FeatureSet, draft: Omit<Draft, "updatedAt">, anyBase = false) =>
    (await drafts(c).put(set.id, user(c), draft, anyBase)) !== "too-large";
  const tooLarge = (c: C, set: FeatureSet, body: Record<string, unknown>) => draftChanged(c, set, body, { problems: [c.var.appT("sets.error.draftLarge")] }, 413);

  app.get("/", async (c) => c.html(<SetsListPage page={appPage(c)} sets={await sets(c).list()} drafts={await drafts(c).setsWithDrafts(user(c))} />));

  app.post("/", async (c) => {
    const body = await c.req.parseBody();
    const name = checkName(body.name, c.var.appT);
    if (!name.ok) {
      const page = <SetsListPage page={appPage(c)} sets={await sets(c).list()} name={String(body.name ?? "")} error={name.errors[0]!.message} />;
      return c.html(page, 422);
    }
    const set = await sets(c).create(user(c), name.value, EMPTY_CONTENT, revisionNote("sets.note.created"));
    return c.redirect(`/app/sets/${set.id}`, 303);
  });

  app.get("/:id", async (c) => {
    const set = await loadSet(c);
    return set ? render(c, set) : notFound(c);
  });

  app.get("/:id/search", async (c) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    const found = await search(c, c.req.query("q") ?? "");
    if (!isHtmx(c)) return c.redirect(`/app/sets/${set.id}?q=${encodeURIComponent(found.q)}`, 303);
    const draft = set.owner === user(c) ? await drafts(c).get(set.id, user(c)) : undefined;
    // Boxes ticked in an earlier search stay ticked: the new results don't drop them.
    const catalog = await catalogOf(c);
    const shown = new Set(found.items.map((f) => f.id));
    const ticked = (c.req.queries("feature") ?? []).slice(0, MAX_TICKED).flatMap((id) => (shown.has(id) ? [] : (catalog.byId.get(id) ?? [])));
    return c.html(<SearchResults page={appPage(c)} chosen={workingFeatures(set, draft)} search={{ ...found, ticked }} />);
  });

  /** A write: the set must exist and be the reader's (the store checks that again inside its transaction). */
  const ownerWrite = (handler: (c: C, set: FeatureSet, body: Record<string, unknown>) => Promise<Response>) => async (c: C) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    if (set.owner !== user(c)) return render(c, set, { problems: [c.var.appT("sets.forbidden", { owner: set.owner })] }, 403);
    // all: ticked boxes send one "feature" field each.
    return handler(c, set, await c.req.parseBody({ all: true }));
  };

  /** Saving writes the draft (as the form now shows it) as one revision with the user's note, then drops the draft. */
  app.post(
    "/:id/save",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const base = postedRevision(body);
      const draft = await draftOf(c, set, base);
      const features = draft.features;
      const form = await postedForm(c, set, draft, body);
      const note = typeof body.note === "string" ? body.note.trim() : "";
      const kept = { form, baseRevision: base, note };
      // What was typed is kept as the draft whatever happens next: a refused save (even a stale one) loses nothing.
      await keepDraft(c, set, { ...draft, baseRevision: base, form }, true);
      const catalog = await catalogOf(c);
      const working = { ...set.content, features };
      const name = checkName(form.name, t);
      const parsed = contentFromForm(form, working, resolveSet(working, catalog), catalog, t);
      const noteError = note.length > MAX_NOTE ? t("sets.error.noteLong", { max: MAX_NOTE }) : undefined;
      if (!name.ok || !parsed.ok || noteError) {
        const errors = { ...(name.ok ? {} : { name: name.errors[0]!.message }), ...(parsed.ok ? {} : parsed.errors), ...(noteError ? { note: noteError } : {}) };
        return render(c, set, { ...kept, errors, problems: [t("sets.fixErrors")] }, 422);
      }
      const checked = checkContent(parsed.content, catalog, t, set.content);
      if (!checked.ok) return render(c, set, { ...kept, problems: checked.errors.map((e) => e.message) }, 422);
      const text = note !== "" ? userNote(note) : name.value !== set.name ? revisionNote("sets.note.renamed", { name: name.value }) : revisionNote("sets.note.saved");
      const result = await sets(c).save(set.id, user(c), { baseRevision: base, name: name.value, content: checked.value, note: text });
      if (result.ok) await drafts(c).discard(set.id, user(c));
      return answer(c, set, result, base, kept);
    }),
  );

  /** Every change in the editor's form lands in the draft (htmx posts the whole form on each change). */
  app.post(
    "/:id/draft",
    ownerWrite(async (c, set, body) => {
      const draft = await draftOf(c, set, postedRevision(body));
      if (!(await keepDraft(c, set, { ...draft, form: await postedForm(c, set, draft, body) }))) return tooLarge(c, set, body);
      // The editor itself stays as the user is typing in it: only the banner changes.
      return draftChanged(c, set, body, { bannerOnly: true });
    }),
  );

  /** "+ site" and "+ column": the grid again, from what the editor holds now, with a row or a column more. */
  app.post(
    "/:id/sites/grid",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const rows = gridRows(formFromBody(body).sites) ?? [];
      // More rows than a page can hold (the editor adds one empty row): only a hostile client sends that.
      if (rows.length > MAX_SITES + 1) return c.json({ error: `at most ${MAX_SITES} sites` }, 413);
      const extra = typeof body["grid-columns"] === "string" ? body["grid-columns"].split(",").filter((column) => column !== "").slice(0, MAX_COLUMNS) : [];
      let problem: string | undefined;
      const draft = await draftOf(c, set, postedRevision(body));
      const resolution = resolveSet({ ...set.content, features: draft.features }, await catalogOf(c));
      if (c.req.query("add") === "row") {
        if (rows.length <= MAX_SITES) rows.push({ name: "", cells: {} });
        else problem = t("sets.error.tooMany", { max: MAX_SITES });
      }
      else {
        const column = typeof body["grid-column"] === "string" ? body["grid-column"].trim() : "";
        const dot = column.lastIndexOf(".");
        const known = resolution.features.find((f) => f.id === column.slice(0, dot))?.feature?.parameters.some((p) => p.name === column.slice(dot + 1));
        if (known) extra.push(column);
        else problem = t("sets.error.column", { column });
      }
      const example = overrideExample(resolution.features.filter((f) => (f.feature?.parameters.length ?? 0) > 0));
      return c.html(<SitesGrid page={appPage(c)} set={set} rows={rows} columns={gridColumns(rows, extra)} errors={{}} editable example={example} problem={problem} />);
    }),
  );

  /** A sites table from a planning spreadsheet replaces the sites in the owner's draft (checked first, all or nothing). */
  app.post(
    "/:id/sites/import",
    uploadLimit(),
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const file = body.file;
      if (!(file instanceof File) || file.size === 0) return render(c, set, { problems: [t("sites.table.notTable")] }, 422);
      const draft = await draftOf(c, set, postedRevision(body));
      const catalog = await catalogOf(c);
      const read = await readSitesFile(new Uint8Array(await file.arrayBuffer()), file.name, resolveSet({ ...set.content, features: draft.features }, catalog), t);
      if (!read.ok) return render(c, set, { problems: read.problems }, 422);
      const sites = read.sites.map((site) => ({ name: site.name, overrides: overridesText(site.overrides) }));
      if (!(await keepDraft(c, set, { ...draft, form: { ...draft.form, sites } }, true))) return render(c, set, { problems: [t("sets.error.draftLarge")] }, 413);
      return c.redirect(`/app/sets/${set.id}?imported=${read.sites.length}#set-editor`, 303);
    }),
  );

  app.post(
    "/:id/draft/discard",
    ownerWrite(async (c, set) => {
      await drafts(c).discard(set.id, user(c));
      return c.redirect(`/app/sets/${set.id}`, 303);
    }),
  );

  /** After a stale save: keep the draft, now on top of the newest revision (the user has seen what changed). */
  app.post(
    "/:id/draft/rebase",
    ownerWrite(async (c, set) => {
      const draft = await drafts(c).get(set.id, user(c));
      if (draft) await keepDraft(c, set, { ...draft, baseRevision: set.revision });
      return c.redirect(`/app/sets/${set.id}`, 303);
    }),
  );

  app.post("/:id/validate", async (c) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    const t = c.var.appT;
    const field = c.req.query("field") ?? "";
    const body = await c.req.parseBody();
    const text = typeof body[field] === "string" ? (body[field] as string) : "";
    const catalog = await catalogOf(c);
    let error: string | undefined;
    if (field === "name") error = checkName(text, t).ok ? undefined : t("sets.error.nameEmpty");
    else if (field.startsWith("value:")) {
      const checked = valueFieldError(field, text, catalog, t);
      error = "error" in checked ? checked.error : undefined;
    } else if (/^site-name-\d+$/.test(field)) error = text.trim() === "" ? undefined : siteNameError(text, t);
    else if (/^site-cell-\d+-[^.]+\.[A-Za-z][A-Za-z0-9_]*$/.test(field)) {
      // A grid cell: the value of the parameter its column names; empty inherits.
      const column = field.replace(/^site-cell-\d+-/, "");
      const dot = column.lastIndexOf(".");
      const checked = text.trim() === "" ? undefined : valueFieldError(valueField(column.slice(0, dot), column.slice(dot + 1)), text, catalog, t);
      error = checked && "error" in checked ? checked.error : undefined;
    }
    else if (/^site-overrides-\d+$/.test(field)) {
      const parsed = parseOverrides(text, resolveSet(set.content, catalog), t);
      error = "error" in parsed ? parsed.error : undefined;
    } else error = t("sets.error.unknownField", { field });
    // Only the text (JSX escapes it): htmx puts it into the field's error line.
    return c.html(<span>{error ?? ""}</span>);
  });

  /** Adds the ticked features and the pasted ids to the draft, all or (naming the unknown ones) none. */
  app.post(
    "/:id/features/add",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const ticked = [body.feature].flat().filter((id): id is string => typeof id === "string");
      const pasted = typeof body.ids === "string" ? body.ids.slice(0, MAX_PASTE) : "";
      const draft = await draftOf(c, set, postedRevision(body));
      const addition = addFeatures(draft.features, [...ticked, ...parseIds(pasted)], await catalogOf(c), t);
      if (!addition.ok) return draftChanged(c, set, body, { problems: [addition.error] }, 422);
      if (!(await keepDraft(c, set, { ...draft, features: addition.features }, true))) return tooLarge(c, set, body);
      const notes = [addition.added.length > 0 ? t("sets.added", { ids: addition.added.join(", "), count: addition.added.length }) : t("sets.addedNone"), ...addition.warnings];
      return draftChanged(c, set, body, { notes });
    }),
  );

  app.post(
    "/:id/features/remove",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const id = String(body.feature ?? "");
      const draft = await draftOf(c, set, postedRevision(body));
      const catalog = await catalogOf(c);
      const neededBy = resolveSet({ ...set.content, features: draft.features }, catalog).features.find((f) => f.id === id)?.requiredBy ?? [];
      if (neededBy.length > 0) return draftChanged(c, set, body, { problems: [t("sets.error.stillNeeded", { id, ids: neededBy.join(", "), count: neededBy.length })] }, 422);
      const features = draft.features.filter((f) => f !== id);
      // Site overrides of features that leave the set go with them (values go as the form is drawn).
      const kept = new Set(resolveSet({ ...set.content, features }, catalog).features.map((f) => f.id));
      const sites = draft.form.sites.map((site) => ({ ...site, overrides: withoutFeatures(site.overrides, kept) }));
      await keepDraft(c, set, { ...draft, features, form: { ...draft.form, sites } }, true);
      // The focus goes to the next Remove button (the one pressed is gone), else to the table's title.
      const next = features.filter((f) => f > id).sort()[0] ?? features.filter((f) => f < id).sort().at(-1);
      return draftChanged(c, set, body, { notes: [t("sets.removed", { id })], focus: next ? `remove-${next}` : "set-features-title" });
    }),
  );

  app.post(
    "/:id/restore",
    ownerWrite(async (c, set, body) => {
      const number = v.safeParse(wholeNumber, body.restore);
      const old = number.success ? await sets(c).revision(set.id, number.output) : undefined;
      if (!old) return render(c, set, { problems: [c.var.appT("sets.error.noRevision", { revision: String(body.restore ?? "") })] }, 422);
      const note = revisionNote("sets.note.restored", { revision: old.revision });
      const base = postedRevision(body);
      return answer(c, set, await sets(c).save(set.id, user(c), { baseRevision: base, name: old.name, content: old.content, note }), base);
    }),
  );

  app.post(
    "/:id/pin",
    ownerWrite(async (c, set, body) => {
      const id = v.safeParse(wholeNumber, body.generation);
      const done = id.success && (await generations(c).pin(set.id, id.output, body.pinned === "true"));
      if (!done) return render(c, set, { problems: [c.var.appT("generation.noGeneration", { id: String(body.generation ?? "") })] }, 422);
      return c.redirect(`/app/sets/${set.id}#generations`, 303);
    }),
  );

  app.post(
    "/:id/delete",
    ownerWrite(async (c, set, body) => {
      if (body.confirm !== "yes") return render(c, set, { problems: [c.var.appT("sets.error.confirmDelete")] }, 422);
      const result = await sets(c).remove(set.id, user(c));
      return result === "forbidden" ? render(c, set, { problems: [c.var.appT("sets.forbidden", { owner: set.owner })] }, 403) : c.redirect("/app/sets", 303);
    }),
  );

  app.post("/:id/clone", async (c) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    const t = c.var.appT;
    const body = await c.req.parseBody();
    const name = checkName(body.name ?? t("sets.copyName", { name: set.name }), t);
    if (!name.ok) return render(c, set, { problems: [name.errors[0]!.message] }, 422);
    const clone = await sets(c).create(user(c), name.value, set.content, revisionNote("sets.note.cloned", { id: set.id, revision: set.revision }));
    return c.redirect(`/app/sets/${clone.id}`, 303);
  });

  app.get("/:id/revisions/diff", async (c) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    const diff = await revisionDiff(sets(c), set.id, c.req.query("a"), c.req.query("b"));
    return c.html(<RevisionDiffResult page={appPage(c)} diff={diff} />, diff ? 200 : 422);
  });

  app.get("/:id/revisions/:revision", async (c) => {
    const set = await loadSet(c);
    const number = v.safeParse(wholeNumber, c.req.param("revision"));
    const revision = set && number.success ? await sets(c).revision(set.id, number.output) : undefined;
    if (!set || !revision) return notFound(c);
    return c.html(<RevisionPage page={appPage(c)} set={set} revision={revision} editable={set.owner === user(c)} />);
  });

  app.get("/:id/diff", async (c) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    const [a, b] = [v.safeParse(wholeNumber, c.req.query("a")), v.safeParse(wholeNumber, c.req.query("b"))];
    const changes = a.success && b.success ? await generations(c).diff(set.id, a.output, b.output) : undefined;
    const error = changes ? undefined : c.var.appT("generation.pickTwo");
    return c.html(<DiffResult page={appPage(c)} changes={changes ?? []} error={error} />, error ? 422 : 200);
  });

  app.get("/:id/charts/coverage", async (c) => {
    const set = await loadSet(c);
    if (!set) return c.json({ error: "no such feature set" }, 404);
    const catalog = await catalogOf(c);
    return c.json(coverageData(catalog, resolveSet(set.content, catalog)));
  });

  app.get("/:id/charts/parameter", async (c) => {
    const set = await loadSet(c);
    if (!set) return c.json({ error: "no such feature set" }, 404);
    const catalog = await catalogOf(c);
    const data = parameterData(set.content, resolveSet(set.content, catalog), c.req.query("param") ?? "");
    return data ? c.json(data) : c.json({ error: "param must name an int or float parameter of the set's features" }, 422);
  });

  return app;
}
