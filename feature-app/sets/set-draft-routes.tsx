// The owner's edits of a set's draft, and the save that turns the draft into one revision: adding
// and removing features, the editor's own draft saves, the sites grid's "+ site"/"+ column", a
// sites table imported into the draft, discarding and rebasing it.
import { Hono } from "hono";
import { uploadLimit } from "../catalog/import-routes";
import { type AppEnv, appPage } from "../context";
import { resolveSet } from "./resolve";
import { MAX_NOTE, revisionNote, userNote } from "./revision-note";
import { MAX_SITES } from "./set-content";
import { addFeatures, parseIds, withoutFeatures } from "./set-draft";
import { contentFromForm, formFromBody, overridesText } from "./set-form";
import { checkContent, checkName } from "./set-input";
import type { SetRouteKit } from "./set-route-kit";
import { SitesGrid, gridColumns, gridRows, overrideExample } from "./sites-grid";
import { readSitesFile } from "./sites-table";

/** Columns a grid may carry that no site has a value in yet. */
const MAX_COLUMNS = 200;
/** A pasted id list is at most this long; a set's feature limit would refuse more anyway. */
const MAX_PASTE = 200_000;

export function setDraftRoutes(kit: SetRouteKit) {
  const app = new Hono<AppEnv>();
  const { sets, drafts, user, catalogOf, render, draftChanged, answer, postedRevision, postedTab, draftOf, postedForm, keepDraft, tooLarge, ownerWrite } = kit;

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
      // Only a draft changed in another tab meanwhile is not replaced: the page shows what was typed, and a second save keeps it.
      if ((await keepDraft(c, set, { ...draft, baseRevision: base, form }, body, true)) === "elsewhere") {
        return render(c, set, { ...kept, elsewhere: "save", tab: postedTab(body) }, 409);
      }
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
      const kept = await keepDraft(c, set, { ...draft, form: await postedForm(c, set, draft, body) }, body);
      if (kept === "too-large") return tooLarge(c, set, body);
      // The editor now shows the draft as the other tab left it, and says this change was not kept.
      if (kept === "elsewhere") return draftChanged(c, set, body, { elsewhere: true }, 409);
      // The editor itself stays as the user is typing in it: only the banner (and the edition it posts) change.
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
      if ((await keepDraft(c, set, { ...draft, form: { ...draft.form, sites } }, body, true)) === "too-large") return render(c, set, { problems: [t("sets.error.draftLarge")] }, 413);
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
    ownerWrite(async (c, set, body) => {
      const draft = await drafts(c).get(set.id, user(c));
      if (draft) await keepDraft(c, set, { ...draft, baseRevision: set.revision }, body);
      return c.redirect(`/app/sets/${set.id}`, 303);
    }),
  );

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
      if ((await keepDraft(c, set, { ...draft, features: addition.features }, body, true)) === "too-large") return tooLarge(c, set, body);
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
      await keepDraft(c, set, { ...draft, features, form: { ...draft.form, sites } }, body, true);
      // The focus goes to the next Remove button (the one pressed is gone), else to the table's title.
      const next = features.filter((f) => f > id).sort()[0] ?? features.filter((f) => f < id).sort().at(-1);
      return draftChanged(c, set, body, { notes: [t("sets.removed", { id })], focus: next ? `remove-${next}` : "set-features-title" });
    }),
  );

  return app;
}
