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
import { auditFor } from "../audit";
import { RevisionPage } from "./revision-page";
import { resolveSet } from "./resolve";
import { coverageData, numericParameters, parameterData } from "./set-charts";
import { EMPTY_CONTENT, type SetContent } from "./set-content";
import { exportBlockers } from "./set-export";
import { contentFromForm, formFromBody, formFromContent, parseOverrides, siteNameError, valueFieldError } from "./set-form";
import { checkContent, checkName, staleMessage } from "./set-input";
import { DiffResult } from "./set-history";
import { SearchResults, SetPage, type SetView } from "./set-page";
import { SetsListPage } from "./sets-list-page";
import { revisionNote } from "./revision-note";
import { pinnedCatalog } from "./set-catalog";

type C = Context<AppEnv>;
type Status = 200 | 403 | 404 | 409 | 422;

const wholeNumber = v.pipe(v.string(), v.regex(/^\d{1,9}$/), v.transform(Number));
const SEARCH_LIMIT = 20;

export function setsRoutes() {
  const app = new Hono<AppEnv>();
  const sets = (c: C) => new FeatureSetStore(c.var.services.db, auditFor(c));
  const generations = (c: C) => new GenerationStore(c.var.services.db, auditFor(c));
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

  /** The set page; `change` carries what a refused write keeps on screen. */
  const render = async (c: C, set: FeatureSet, change: Partial<SetView> = {}, status: Status = 200) => {
    const catalog = await catalogOf(c);
    const resolution = resolveSet(set.content, catalog);
    const view: SetView = {
      set,
      catalog,
      resolution,
      editable: set.owner === user(c),
      baseRevision: set.revision,
      form: formFromContent(set.name, set.content, resolution),
      errors: {},
      problems: [],
      notice: c.req.query("saved") === undefined ? undefined : c.var.appT("sets.saved", { revision: set.revision }),
      blockers: exportBlockers(set, catalog, c.var.appT),
      revisions: await sets(c).revisions(set.id),
      generations: await generations(c).list(set.id),
      search: await search(c, c.req.query("q") ?? ""),
      numericParameters: numericParameters(resolution),
      currentCatalogVersion: (await c.var.services.catalog.current())?.id,
      ...change,
    };
    return c.html(<SetPage page={appPage(c)} view={view} />, status);
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
  /** Adding and removing features: content changes made from the stored content, refused if stale. */
  const changeFeatures = async (c: C, set: FeatureSet, body: Record<string, unknown>, next: SetContent, note: string) => {
    const t = c.var.appT;
    const checked = checkContent(next, await catalogOf(c), t, set.content);
    if (!checked.ok) return render(c, set, { problems: checked.errors.map((e) => e.message) }, 422);
    const base = postedRevision(body);
    return answer(c, set, await sets(c).save(set.id, user(c), { baseRevision: base, name: set.name, content: checked.value, note }), base);
  };

  app.get("/", async (c) => c.html(<SetsListPage page={appPage(c)} sets={await sets(c).list()} />));

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
    return c.html(<SearchResults page={appPage(c)} set={set} search={found} />);
  });

  /** A write: the set must exist and be the reader's (the store checks that again inside its transaction). */
  const ownerWrite = (handler: (c: C, set: FeatureSet, body: Record<string, unknown>) => Promise<Response>) => async (c: C) => {
    const set = await loadSet(c);
    if (!set) return notFound(c);
    if (set.owner !== user(c)) return render(c, set, { problems: [c.var.appT("sets.forbidden", { owner: set.owner })] }, 403);
    return handler(c, set, await c.req.parseBody());
  };

  app.post(
    "/:id/save",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const form = formFromBody(body);
      const base = postedRevision(body);
      const kept = { form, baseRevision: base };
      const catalog = await catalogOf(c);
      const name = checkName(form.name, t);
      const parsed = contentFromForm(form, set.content, resolveSet(set.content, catalog), catalog, t);
      if (!name.ok || !parsed.ok) {
        const errors = { ...(name.ok ? {} : { name: name.errors[0]!.message }), ...(parsed.ok ? {} : parsed.errors) };
        return render(c, set, { ...kept, errors, problems: [t("sets.fixErrors")] }, 422);
      }
      const checked = checkContent(parsed.content, catalog, t, set.content);
      if (!checked.ok) return render(c, set, { ...kept, problems: checked.errors.map((e) => e.message) }, 422);
      const note = name.value !== set.name ? revisionNote("sets.note.renamed", { name: name.value }) : revisionNote("sets.note.saved");
      return answer(c, set, await sets(c).save(set.id, user(c), { baseRevision: base, name: name.value, content: checked.value, note }), base, kept);
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
    else if (/^site-overrides-\d+$/.test(field)) {
      const parsed = parseOverrides(text, resolveSet(set.content, catalog), t);
      error = "error" in parsed ? parsed.error : undefined;
    } else error = t("sets.error.unknownField", { field });
    // Only the text (JSX escapes it): htmx puts it into the field's error line.
    return c.html(<span>{error ?? ""}</span>);
  });

  app.post(
    "/:id/features/add",
    ownerWrite(async (c, set, body) => {
      const id = String(body.feature ?? "");
      if (set.content.features.includes(id)) return c.redirect(`/app/sets/${set.id}`, 303);
      const next = { ...set.content, features: [...set.content.features, id] };
      return changeFeatures(c, set, body, next, revisionNote("sets.note.added", { id }));
    }),
  );

  app.post(
    "/:id/features/remove",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const id = String(body.feature ?? "");
      const catalog = await catalogOf(c);
      const neededBy = resolveSet(set.content, catalog).features.find((f) => f.id === id)?.requiredBy ?? [];
      if (neededBy.length > 0) return render(c, set, { problems: [t("sets.error.stillNeeded", { id, ids: neededBy.join(", "), count: neededBy.length })] }, 422);
      const features = set.content.features.filter((f) => f !== id);
      // Values of features that leave the set go with them.
      const kept = new Set(resolveSet({ ...set.content, features }, catalog).features.map((f) => f.id));
      const only = (values: SetContent["values"]) => Object.fromEntries(Object.entries(values).filter(([f]) => kept.has(f)));
      const next = { features, values: only(set.content.values), sites: set.content.sites.map((s) => ({ name: s.name, overrides: only(s.overrides) })) };
      return changeFeatures(c, set, body, next, revisionNote("sets.note.removed", { id }));
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
    const clone = await sets(c).create(user(c), name.value, set.content, revisionNote("sets.note.cloned", { id: set.id, revision: set.revision }), set.catalogVersionId);
    return c.redirect(`/app/sets/${clone.id}`, 303);
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
