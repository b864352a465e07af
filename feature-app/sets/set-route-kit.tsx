// What every route of a set's pages shares: the stores, loading a set, rendering its page (with
// the owner's draft), answering a write or a draft edit, and the owner check. One kit, used by the
// page routes (sets-routes.tsx) and the draft routes (set-draft-routes.tsx).
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import * as v from "valibot";
import { DEFAULT_QUERY } from "../catalog/feature-query";
import type { LoadedCatalog } from "../catalog/catalog-store";
import { isHtmx } from "../../src/http/htmx";
import { type AppEnv, appPage } from "../context";
import { NoticePage } from "../views/app-layout";
import { type FeatureSet, FeatureSetStore, type WriteResult } from "./feature-set-store";
import { GenerationStore } from "./generation-store";
import { resolveSet } from "./resolve";
import { numericParameters } from "./set-charts";
import { exportBlockers } from "./set-export";
import { formFromBody, formFromContent } from "./set-form";
import { staleMessage } from "./set-input";
import { DraftParts, SetPage, type SetView } from "./set-page";
import { type Draft, DraftStore, type PostingPage } from "./draft-store";
import { workingFeatures, workingForm } from "./set-draft";
import { pageOf } from "./set-paging";
import { auditFor } from "../audit";
import { pinnedCatalog } from "./set-catalog";
import type { KeptExport } from "./kept-export";

export type C = Context<AppEnv>;
type Status = 200 | 403 | 404 | 409 | 413 | 422;

export const wholeNumber = v.pipe(v.string(), v.regex(/^\d{1,9}$/), v.transform(Number));
const tabId = v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/));
/** The id of the page (browser tab) a draft edit came from, if it said one. */
const postedTab = (body: Record<string, unknown>) => {
  const parsed = v.safeParse(tabId, body.draftTab);
  return parsed.success ? parsed.output : undefined;
};
const SEARCH_LIMIT = 20;

export function setRouteKit() {
  const sets = (c: C) => new FeatureSetStore(c.var.services.db, auditFor(c));
  const generations = (c: C) => new GenerationStore(c.var.services.db, auditFor(c));
  const drafts = (c: C) => new DraftStore(c.var.services.db);
  const user = (c: C) => c.var.services.assignment().user;
  // Every caller is a route under /:id: the catalog is the version that set is pinned to.
  const catalogOf = async (c: C): Promise<LoadedCatalog> => pinnedCatalog(c.var.services.catalog, await loadSet(c));
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
      kept: await keptExport(c, set),
      search: await search(c, c.req.query("q") ?? ""),
      // The charts show the saved revision: the parameters of its features on this page.
      currentCatalogVersion: (await c.var.services.catalog.current())?.id,
      numericParameters: numericParameters({ ...resolution, features: featurePage.features.filter((f) => saved.has(f.id)) }),
      featurePage,
      sitesView: c.req.query("sites") === "text" ? "text" : "grid",
      generationKeep: c.var.services.generationKeep,
      ...change,
      // A new page load is a new tab as far as the draft can tell; a redrawn editor keeps its page's id.
      tab: change.tab ?? randomUUID(),
    };
  };
  const notice = (c: C, set: FeatureSet) => {
    const imported = c.req.query("imported");
    if (imported !== undefined && /^\d{1,4}$/.test(imported)) return c.var.appT("sites.table.imported", { count: imported });
    return c.req.query("saved") === undefined ? undefined : c.var.appT("sets.saved", { revision: set.revision });
  };
  /** The export the page's "Generate and keep" just made (`?kept=ID`, see keptQuery), if it is one of this set's. */
  const keptExport = async (c: C, set: FeatureSet): Promise<KeptExport | undefined> => {
    const id = v.safeParse(wholeNumber, c.req.query("kept"));
    const batch = id.success ? await generations(c).exportOf(set.id, id.output) : [];
    return batch.length === 0 ? undefined : { generations: batch, zip: c.req.query("zip") !== undefined || batch.length > 1 };
  };
  /** After a draft changed: htmx gets the parts that show it, a plain form post the page again (its search kept). */
  const draftChanged = async (
    c: C,
    set: FeatureSet,
    body: Record<string, unknown>,
    messages: { problems?: string[]; notes?: string[]; bannerOnly?: boolean; focus?: string; elsewhere?: boolean } = {},
    status: Status = 200,
  ) => {
    const elsewhere = messages.elsewhere ? ("edit" as const) : undefined;
    if (!isHtmx(c)) {
      if (status !== 200) return render(c, set, { problems: messages.problems ?? [], elsewhere }, status);
      const q = typeof body.q === "string" && body.q !== "" ? `?q=${encodeURIComponent(body.q)}` : "";
      return c.redirect(`/app/sets/${set.id}${q}`, 303);
    }
    const view = await setView(c, set, { search: await search(c, typeof body.q === "string" ? body.q : ""), focus: messages.focus, elsewhere, tab: postedTab(body) });
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
  const draftOf = async (c: C, set: FeatureSet, base = set.revision): Promise<Omit<Draft, "updatedAt" | "edition">> => {
    const existing = await drafts(c).get(set.id, user(c));
    if (existing) return existing;
    const catalog = await catalogOf(c);
    return { baseRevision: base, features: set.content.features, form: formFromContent(set.name, set.content, resolveSet(set.content, catalog)) };
  };
  /** The page an editor's post came from (its draft edition and tab id), or undefined when the form did not say. */
  const postedPage = (body: Record<string, unknown>): PostingPage | undefined => {
    const edition = v.safeParse(wholeNumber, body.draftEdition);
    return edition.success ? { edition: edition.output, tab: postedTab(body) ?? "" } : undefined;
  };
  /** The posted form over the draft's: a page shows (and posts) only some features' values, the rest stay. */
  const postedForm = async (c: C, set: FeatureSet, draft: Omit<Draft, "updatedAt" | "edition">, body: Record<string, unknown>) => {
    const posted = formFromBody(body);
    const all = workingForm(set, draft, resolveSet({ ...set.content, features: draft.features }, await catalogOf(c)));
    return { ...posted, values: { ...all.values, ...posted.values } };
  };
  /** An edit from a page older than the set starts no draft (nothing to keep); `body`: the posting page (see DraftStore.put). */
  const keepDraft = async (c: C, set: FeatureSet, draft: Omit<Draft, "updatedAt" | "edition">, body: Record<string, unknown>, anyBase = false) =>
    drafts(c).put(set.id, user(c), draft, { anyBase, page: postedPage(body) });
  const tooLarge = (c: C, set: FeatureSet, body: Record<string, unknown>) => draftChanged(c, set, body, { problems: [c.var.appT("sets.error.draftLarge")] }, 413);

  /** A write: the set must exist and be the reader's (the store checks that again inside its transaction). */
  const ownerWrite = (handler: (c: C, set: FeatureSet, body: Record<string, unknown>) => Promise<Response>) => async (c: C) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    if (set.owner !== user(c)) return render(c, set, { problems: [c.var.appT("sets.forbidden", { owner: set.owner })] }, 403);
    // all: ticked boxes send one "feature" field each.
    return handler(c, set, await c.req.parseBody({ all: true }));
  };

  return { sets, generations, drafts, user, catalogOf, notFound, loadSet, search, render, draftChanged, answer, postedRevision, postedTab, draftOf, postedForm, keepDraft, tooLarge, ownerWrite };
}

export type SetRouteKit = ReturnType<typeof setRouteKit>;
