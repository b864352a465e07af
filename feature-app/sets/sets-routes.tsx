// The feature set pages under /app/sets. Writes are plain form posts answered with a redirect
// (or, when refused, the page again with the reader's input and the reason, as 409/422/403) —
// "Generate and keep" too, back to the page showing the kept export, not with the file itself;
// htmx serves the search, the as-you-type checks, the draft edits and the diffs.
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { isHtmx } from "../../src/http/htmx";
import { type AppEnv, appPage } from "../context";
import { restoreChange } from "./feature-set-store";
import { RevisionPage } from "./revision-page";
import { resolveSet } from "./resolve";
import { coverageData, parameterData } from "./set-charts";
import { EMPTY_CONTENT } from "./set-content";
import { parseOverrides, siteNameError, valueField, valueFieldError } from "./set-form";
import { checkName } from "./set-input";
import { DiffResult, RevisionDiffResult } from "./set-history";
import { revisionDiff } from "./revision-diff";
import { SearchResults } from "./set-add";
import { SetsListPage } from "./sets-list-page";
import { revisionNote } from "./revision-note";
import { workingFeatures } from "./set-draft";
import { setDraftRoutes } from "./set-draft-routes";
import { setRouteKit, wholeNumber } from "./set-route-kit";
import { exportScope, keepExport } from "./set-export";
import { keptQuery } from "./kept-export";

/** Ticked search results carried into the next search. */
const MAX_TICKED = 500;

export function setsRoutes() {
  const app = new Hono<AppEnv>();
  const kit = setRouteKit();
  const { sets, generations, drafts, user, catalogOf, notFound, loadSet, search, render, answer, postedRevision, ownerWrite } = kit;

  const listPage = async (c: Context<AppEnv>, form?: { name: string; error: string }) => (
    <SetsListPage
      page={appPage(c)}
      sets={await sets(c).list()}
      drafts={await drafts(c).setsWithDrafts(user(c))}
      currentCatalogVersion={(await c.var.services.catalog.current())?.id}
      {...form}
    />
  );

  app.get("/", async (c) => c.html(await listPage(c)));

  app.post("/", async (c) => {
    const body = await c.req.parseBody();
    const name = checkName(body.name, c.var.appT);
    if (!name.ok) return c.html(await listPage(c, { name: String(body.name ?? ""), error: name.errors[0]!.message }), 422);
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

  app.route("/", setDraftRoutes(kit));

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

  app.post(
    "/:id/restore",
    ownerWrite(async (c, set, body) => {
      const number = v.safeParse(wholeNumber, body.restore);
      const old = number.success ? await sets(c).revision(set.id, number.output) : undefined;
      if (!old) return render(c, set, { problems: [c.var.appT("sets.error.noRevision", { revision: String(body.restore ?? "") })] }, 422);
      const base = postedRevision(body);
      return answer(c, set, await sets(c).save(set.id, user(c), restoreChange(set, old, base)), base);
    }),
  );

  // "Generate and keep": the page comes back showing the kept export (and offering its file), where
  // the API's keep answers the file itself. A blocked export is the page again with the reasons.
  app.post(
    "/:id/export",
    ownerWrite(async (c, set, body) => {
      const t = c.var.appT;
      const scope = exportScope(body);
      if (!scope) return render(c, set, { problems: [t("generation.badScope")] }, 422);
      const exported = await keepExport(c.var.services, generations(c), set, scope, t);
      if (!exported.ok) return render(c, set, { problems: exported.errors }, exported.status);
      return c.redirect(`/app/sets/${set.id}${keptQuery(exported.kept[0]!, scope.kind === "all-sites")}`, 303);
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
    const clone = await sets(c).clone(user(c), name.value, set);
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
