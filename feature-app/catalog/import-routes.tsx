// The import steps as routes. A draft belongs to the person who uploaded it; the commit step
// reports its progress to the user's open pages over the live WebSocket.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isHtmx } from "../../src/http/htmx";
import { type AppEnv, appPage } from "../context";
import { CatalogFileError, IMPORT_MAX_BYTES, tableToCsv, tableToXlsx } from "./catalog-file";
import { templateTable } from "./catalog-template";
import { type CatalogImports, SAMPLE_ROWS } from "./catalog-import";
import { canEdit, requireCatalogEditor } from "./catalog-editors";
import { auditFor } from "../audit";
import { type CatalogImpact, confirmedDetail } from "./catalog-impact";
import { postedConfirmation, refusalMessage } from "./impact-view";
import { DraftCheck, DraftPage, ImportDone, ImportError, ImportPage } from "./import-page";
import { type ColumnMapping, FIELDS, type Field, parseStatusWords } from "./tabular";
import { FEATURE_STATUSES } from "./feature-schema";
import { NoticePage, errorAnswer } from "../views/app-layout";

/** Room for the multipart envelope around a file of the largest allowed size. */
const ENVELOPE_BYTES = 64 * 1024;

const TOO_LARGE = `the file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`;

export function uploadLimit() {
  return bodyLimit({ maxSize: IMPORT_MAX_BYTES + ENVELOPE_BYTES, onError: (c) => errorAnswer(c as Context<AppEnv>, 413, TOO_LARGE) });
}

/** The uploaded file from a multipart form's `file` field, or a message saying what is wrong. */
export async function uploadedFile(c: Context<AppEnv>): Promise<{ name: string; bytes: Uint8Array } | { error: string; status: 400 | 413 }> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    return { error: "the upload could not be read (send a multipart form with a field named file)", status: 400 };
  }
  const file = body.file;
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return { error: "choose a file to import", status: 400 };
  if (file.size === 0) return { error: `${file.name}: the file is empty`, status: 400 };
  if (file.size > IMPORT_MAX_BYTES) return { error: TOO_LARGE, status: 413 };
  return { name: file.name || "upload", bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** The audit trail's words for an import: the file, its size and what was confirmed (features removed, others' sets). */
export function importDetail(fileName: string, features: number, impact: CatalogImpact): string {
  return `file=${fileName} featureCount=${features}${confirmedDetail(impact)}`;
}

export function importRoutes(imports: CatalogImports) {
  const app = new Hono<AppEnv>();
  const user = (c: Context<AppEnv>) => c.var.services.assignment().user;

  /** The upload page: the versions, and the imports this person has not finished (to go back to). */
  const importPage = async (c: Context<AppEnv>, error?: string) => {
    const editor = await canEdit(c);
    const drafts = editor ? await imports.drafts(user(c)) : [];
    return <ImportPage page={appPage(c)} versions={await c.var.services.catalog.versions()} canEdit={editor} drafts={drafts} error={error} />;
  };

  app.get("/", async (c) => c.html(await importPage(c)));

  // The templates are for anyone who prepares a file.
  for (const format of ["csv", "xlsx"] as const) {
    app.get(`/template.${format}`, async (c) => {
      const { headers, rows } = templateTable(c.var.locale);
      // The BOM makes Korean Excel read the CSV as UTF-8.
      const body = format === "csv" ? `\uFEFF${tableToCsv(headers, rows)}` : await tableToXlsx(headers, rows);
      return c.body(body, 200, {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": `attachment; filename="catalog-template-${c.var.locale}.${format}"`,
      });
    });
  }

  // Everything registered below changes the catalog or leads to it: editors only (the page and the
  // templates above answer before this runs). It runs before an upload is read.
  app.use("*", requireCatalogEditor());

  app.post("/", uploadLimit(), async (c) => {
    const upload = await uploadedFile(c);
    const fail = async (message: string, status: 400 | 413 | 422) =>
      isHtmx(c) ? c.html(<ImportError message={message} />, status) : c.html(await importPage(c, message), status);
    if ("error" in upload) return fail(upload.error, upload.status);
    try {
      const draft = await imports.createDraft(user(c), upload.name, upload.bytes);
      const next = `/app/import/${draft.id}`;
      if (isHtmx(c)) {
        c.header("HX-Redirect", next);
        return c.body(null, 200);
      }
      return c.redirect(next, 303);
    } catch (error) {
      if (error instanceof CatalogFileError) return fail(`${upload.name}: ${error.in(c.var.appT)}`, 422);
      throw error;
    }
  });

  const withDraft = async (c: Context<AppEnv>) => {
    const draft = await imports.draft(user(c), c.req.param("draft") ?? "");
    if (draft) return draft;
    const t = c.var.appT;
    return c.html(<NoticePage page={appPage(c)} title={t("import.draftMissingTitle")} message={t("import.draftMissing")} />, 404);
  };

  app.get("/:draft", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    return c.html(<DraftPage page={appPage(c)} checked={await imports.checkWithImpact(draft, c.var.locale, undefined, SAMPLE_ROWS)} />);
  });

  // Every problem of the whole file, for the spreadsheet the person fixes it in.
  app.get("/:draft/report.csv", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    const { errors } = await imports.check(draft, c.var.locale);
    const t = c.var.appT;
    const rows = errors.map((e) => [String(e.row), e.column, e.value, e.reason, e.kind ?? e.reason]);
    const csv = tableToCsv([t("import.row"), t("import.column"), t("import.value"), t("import.reason"), t("import.kind")], rows);
    return c.body(`\uFEFF${csv}`, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="import-problems-${draft.id}.csv"`,
    });
  });

  // The whole file, once the mapping is right: every problem, and the import button when there are none.
  app.post("/:draft/check", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    const checked = await imports.checkWithImpact(draft, c.var.locale);
    if (!isHtmx(c)) return c.html(<DraftPage page={appPage(c)} checked={checked} />);
    return c.html(<DraftCheck page={appPage(c)} checked={checked} />);
  });

  app.post("/:draft/mapping", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    const body = await c.req.parseBody();
    const mapping: ColumnMapping = Object.fromEntries(FIELDS.map((field) => [field, typeof body[field] === "string" ? body[field] : ""])) as Record<Field, string>;
    const words = parseStatusWords(typeof body.statusWords === "string" ? body.statusWords : "", FEATURE_STATUSES);
    if ("badLine" in words) {
      // Nothing is saved: the page shows the stored mapping again, with the reason.
      const message = c.var.appT("import.statusWordsBad", { line: words.badLine });
      const checked = await imports.checkWithImpact(draft, c.var.locale, undefined, SAMPLE_ROWS);
      return isHtmx(c) ? c.html(<DraftCheck page={appPage(c)} checked={checked} message={message} />, 422) : c.html(<DraftPage page={appPage(c)} checked={checked} message={message} />, 422);
    }
    if (Object.keys(words.words).length > 0) mapping.statusWords = words.words;
    const checked = await imports.checkWithImpact(await imports.setMapping(draft, mapping), c.var.locale, undefined, SAMPLE_ROWS);
    if (!isHtmx(c)) return c.redirect(`/app/import/${draft.id}`, 303);
    return c.html(<DraftCheck page={appPage(c)} checked={checked} />);
  });

  app.post("/:draft/commit", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    const { live, catalog } = c.var.services;
    const previous = await catalog.current();
    const body = await c.req.parseBody();
    const confirmation = postedConfirmation(body);
    const outcome = await imports.commit(draft, c.var.locale, {
      confirmation,
      progress: (phase, done, total) => live.broadcast({ type: "progress", task: "import", phase, done, total }),
      written: (tx, version, impact) => auditFor(c)(tx, "catalog.import", `v${version.id}`, importDetail(draft.fileName, version.featureCount, impact)),
    });
    if ("checked" in outcome || "unconfirmed" in outcome) {
      const page = appPage(c);
      const [checked, message, status] =
        "checked" in outcome ? [outcome.checked, c.var.appT("import.notImported"), 422 as const] : [outcome.unconfirmed, refusalMessage(c.var.appT, outcome.unconfirmed.impact, confirmation), 409 as const];
      if (isHtmx(c)) return c.html(<DraftCheck page={page} checked={checked} message={message} />, status);
      return c.html(<DraftPage page={page} checked={checked} message={message} />, status);
    }
    if (!isHtmx(c)) return c.redirect("/app/versions", 303);
    if ("unchanged" in outcome) return c.html(<ImportDone page={appPage(c)} version={outcome.unchanged} unchanged />);
    return c.html(<ImportDone page={appPage(c)} version={outcome.version} previous={previous?.id} />);
  });

  app.post("/:draft/discard", async (c) => {
    const draft = await withDraft(c);
    if (draft instanceof Response) return draft;
    await imports.discard(draft);
    return c.redirect("/app/import", 303);
  });

  return app;
}
