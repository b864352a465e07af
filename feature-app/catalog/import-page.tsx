// The import pages: choose a file; then map its columns, see a preview and every problem, and
// import it. The check section is one component, swapped by htmx whenever the mapping changes.
import type { CatalogError } from "./catalog-rules";
import type { CatalogVersion } from "./catalog-store";
import { type CheckedImport, type ImportDraft, importable } from "./catalog-import";
import { When } from "../views/when";
import { IMPORT_MAX_BYTES } from "./catalog-file";
import { type AppPage, AppLayout } from "../views/app-layout";
import { FIELDS, REQUIRED_FIELDS, statusWordsText } from "./tabular";
import { ImpactConfirm, ImpactReport } from "./impact-view";
import { idempotencyHeaders } from "../views/idempotency-field";

const PREVIEW_ROWS = 10;
/**
 * A report of a 100,000-row file with an error on every row would be unreadable and huge: problems
 * are grouped by kind, each group folded and listing its first rows; the CSV download has them all.
 */
const GROUP_ROWS = 100;
const MAX_GROUPS = 20;

export function reportGroups(errors: CatalogError[]): { kind: string; errors: CatalogError[] }[] {
  const groups = new Map<string, CatalogError[]>();
  for (const error of errors) {
    const kind = error.kind ?? error.reason;
    groups.set(kind, [...(groups.get(kind) ?? []), error]);
  }
  return [...groups].map(([kind, list]) => ({ kind, errors: list })).sort((a, b) => b.errors.length - a.errors.length);
}

/** `canEdit`: whether this person may change the catalog; everyone else is told why not. */
type UnfinishedImport = Pick<ImportDraft, "id" | "fileName" | "createdAt">;

export function ImportPage(props: { page: AppPage; versions: CatalogVersion[]; canEdit: boolean; drafts: UnfinishedImport[]; error?: string }) {
  const { t } = props.page;
  return (
    <AppLayout page={props.page} title={t("import.title")} section="import">
      <h1>{t("import.title")}</h1>
      <p>{t("import.intro")}</p>
      {props.canEdit ? (
        <>
          <UnfinishedImports page={props.page} drafts={props.drafts} />
          <UploadForm page={props.page} error={props.error} />
        </>
      ) : (
        <p class="notice warn card" id="read-only">
          {t("governance.forbidden")}
        </p>
      )}
      <FormatHelp page={props.page} />
      {props.versions.length > 0 && (
        <p>
          <a href="/app/versions">{t("import.versionsLink", { count: props.versions.length })}</a>
        </p>
      )}
    </AppLayout>
  );
}

/** Files uploaded but not imported yet: kept a day (at most three), and this is the way back to them. */
function UnfinishedImports(props: { page: AppPage; drafts: UnfinishedImport[] }) {
  const { t, locale } = props.page;
  if (props.drafts.length === 0) return null;
  return (
    <section class="card" id="unfinished-imports" aria-labelledby="unfinished-imports-title">
      <h2 id="unfinished-imports-title">{t("import.unfinished")}</h2>
      <ul>
        {props.drafts.map((draft) => (
          <li>
            <a href={`/app/import/${draft.id}`}>{draft.fileName}</a> · <When date={draft.createdAt} locale={locale} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The columns, the parameter keys and who may import: enough to prepare a file without the README. */
function FormatHelp(props: { page: AppPage }) {
  const { t } = props.page;
  return (
    <section class="card" id="format-help">
      <h2>{t("import.formatTitle")}</h2>
      <p>{t("import.formatText")}</p>
      <div class="table-scroll">
        <table id="import-columns">
          <thead>
            <tr>
              <th scope="col">{t("import.columnHeader")}</th>
              <th scope="col">{t("import.columnKey")}</th>
              <th scope="col">{t("import.columnMeaning")}</th>
            </tr>
          </thead>
          <tbody>
            {FIELDS.map((field) => (
              <tr>
                <td>
                  {t(`importField.${field}`)}
                  {REQUIRED_FIELDS.includes(field) ? " *" : ""}
                </td>
                <td class="mono">{field}</td>
                <td>{t(`importHelp.${field}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">{t("import.columnsHint")}</p>
      <h3>{t("import.paramsTitle")}</h3>
      <p>{t("import.paramsText")}</p>
      <p class="muted">{t("import.formatExample")}</p>
      <p>
        {t("import.templates")} <a href="/app/import/template.xlsx" id="template-xlsx">{t("import.templateXlsx")}</a> ·{" "}
        <a href="/app/import/template.csv" id="template-csv">{t("import.templateCsv")}</a>
      </p>
      <p class="muted">{t("import.rolesText")}</p>
    </section>
  );
}

function UploadForm(props: { page: AppPage; error?: string }) {
  const { t } = props.page;
  return (
    <form
      id="upload-form"
      class="card"
      method="post"
      action="/app/import"
      enctype="multipart/form-data"
      hx-post="/app/import"
      hx-headers={idempotencyHeaders()}
      hx-encoding="multipart/form-data"
      hx-target="#upload-error"
      hx-indicator="#upload-progress"
      hx-disabled-elt="find button"
    >
      <div class="field">
        <label for="field-file">{t("import.file")}</label>
        <input id="field-file" name="file" type="file" accept=".csv,.xlsx,.json,text/csv,application/json" required aria-describedby="field-file-hint" />
        <small class="muted" id="field-file-hint">
          {t("import.fileHint", { mb: IMPORT_MAX_BYTES / 1024 / 1024 })}
        </small>
      </div>
      <button type="submit">{t("import.upload")}</button>{" "}
      <progress id="upload-progress" class="htmx-indicator" data-upload-progress max="100" aria-label={t("import.uploading")}></progress>
      <div id="upload-error" aria-live="polite">
        {props.error && <ImportError message={props.error} />}
      </div>
    </form>
  );
}

export function ImportError(props: { message: string }) {
  return (
    <p class="notice bad card" role="alert">
      {props.message}
    </p>
  );
}

export function DraftPage(props: { page: AppPage; checked: CheckedImport; message?: string }) {
  const { t } = props.page;
  const { draft } = props.checked;
  return (
    <AppLayout page={props.page} title={t("import.title")} section="import">
      <p>
        <a href="/app/import">← {t("import.title")}</a>
      </p>
      <h1>{t("import.draftTitle", { file: draft.fileName })}</h1>
      <p class="muted">
        {t("import.draftSummary", { format: draft.format.toUpperCase(), rows: props.checked.rowCount })}
        {props.checked.file.format === "csv" && props.checked.file.encoding && (
          <>
            {" "}
            <span id="file-encoding">{t("import.encoding", { encoding: props.checked.file.encoding })}</span>
          </>
        )}
      </p>
      <DraftCheck page={props.page} checked={props.checked} message={props.message} />
    </AppLayout>
  );
}

/** Mapping (CSV/XLSX), preview, problems, and the import button once there are none. */
export function DraftCheck(props: { page: AppPage; checked: CheckedImport; message?: string }) {
  const { t } = props.page;
  const { checked } = props;
  const { draft, file, mapping, errors } = checked;
  const base = `/app/import/${draft.id}`;
  const mappingOk = Object.keys(checked.mappingProblems).length === 0;
  const sampled = mappingOk && checked.checkedRows < checked.rowCount;
  const ready = importable(checked);
  return (
    <div id="draft-check">
      {props.message && <ImportError message={props.message} />}
      {file.format !== "json" && mapping && (
        <form
          id="mapping-form"
          class="card"
          method="post"
          action={`${base}/mapping`}
          hx-post={`${base}/mapping`}
          hx-trigger="change"
          hx-target="#draft-check"
          hx-swap="outerHTML"
          hx-indicator="#mapping-loading"
        >
          <h2>{t("import.mappingTitle")}</h2>
          <p class="muted">{t("import.mappingHint")}</p>
          <div class="mapping-grid">
            {FIELDS.map((field) => {
              const problem = checked.mappingProblems[field];
              const id = `map-${field}`;
              return (
                <div class="field">
                  <label for={id}>
                    {t(`importField.${field}`)} <span class="mono muted">{field}</span>
                    {REQUIRED_FIELDS.includes(field) ? " *" : ""}
                  </label>
                  <select id={id} name={field} aria-invalid={problem ? "true" : undefined} aria-describedby={problem ? `${id}-error` : undefined}>
                    <option value="">{t("import.noColumn")}</option>
                    {file.headers.map((header) => (
                      <option value={header} selected={mapping[field] === header}>
                        {header}
                      </option>
                    ))}
                  </select>
                  {problem && (
                    <small class="error" id={`${id}-error`} role="alert">
                      {t(`import.mapping.${problem.code}`, { ...problem })}
                    </small>
                  )}
                </div>
              );
            })}
          </div>
          <div class="field">
            <label for="map-status-words">{t("import.statusWordsLabel")}</label>
            <textarea id="map-status-words" name="statusWords" rows={2} placeholder="운영 = active">
              {statusWordsText(mapping)}
            </textarea>
          </div>
          <noscript>
            <button type="submit">{t("import.applyMapping")}</button>
          </noscript>
          <span id="mapping-loading" class="htmx-indicator muted">
            {t("common.loading")}
          </span>
        </form>
      )}
      {mappingOk && checked.statusWords.length > 0 && (
        <p class="notice info card" id="status-words">
          {t("import.statusWords", { words: checked.statusWords.map((w) => `${w.word} → ${w.status} (${w.count})`).join(", ") })}
        </p>
      )}
      {mappingOk && <Preview page={props.page} checked={checked} />}
      {mappingOk && errors.length > 0 && <Report page={props.page} errors={errors} download={`${base}/report.csv`} />}
      {ready && checked.impact && <ImpactReport t={t} impact={checked.impact} />}
      <div class="card actions">
        {sampled ? (
          <form method="post" action={`${base}/check`} hx-post={`${base}/check`} hx-target="#draft-check" hx-swap="outerHTML" hx-disabled-elt="find button" class="inline" id="check-form">
            <span class="muted" id="sampled">
              {t("import.sampled", { checked: checked.checkedRows, total: checked.rowCount })}
            </span>{" "}
            <button type="submit" id="check-button">
              {t("import.checkAll", { total: checked.rowCount })}
            </button>
          </form>
        ) : ready ? (
          <form method="post" action={`${base}/commit`} hx-post={`${base}/commit`} hx-headers={idempotencyHeaders()} hx-target="#draft-check" hx-swap="outerHTML" hx-disabled-elt="find button" class="inline">
            <ImpactConfirm t={t} impact={checked.impact} />{" "}
            <button type="submit" id="import-button">
              {t("import.commit", { count: checked.features.length })}
            </button>{" "}
            <progress data-progress-task="import" max="1" value="0" hidden aria-label={t("import.progress")}></progress>
          </form>
        ) : (
          <p class="muted" id="not-ready">
            {mappingOk ? t("import.fixFirst") : t("import.mapFirst")}
          </p>
        )}{" "}
        <form method="post" action={`${base}/discard`} class="inline">
          <button type="submit" class="secondary">
            {t("import.discard")}
          </button>
        </form>
      </div>
    </div>
  );
}

function Preview(props: { page: AppPage; checked: CheckedImport }) {
  const { t } = props.page;
  const { checked } = props;
  const rows =
    checked.file.format === "json"
      ? checked.file.features.slice(0, PREVIEW_ROWS).map((f) => f as Record<string, unknown>)
      : checked.file.rows.slice(0, PREVIEW_ROWS).map(({ cells }) => Object.fromEntries(FIELDS.map((field) => [field, checked.mapping?.[field] ? cells[checked.mapping[field]] : ""])));
  const shown = ["id", "name", "category", "release", "status", "requires", "conflicts"] as const;
  return (
    <section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">{t("import.previewTitle", { shown: rows.length, total: checked.rowCount })}</h2>
      <div class="table-scroll">
        <table id="preview">
          <thead>
            <tr>
              {shown.map((field) => (
                <th scope="col">{field}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                {shown.map((field) => (
                  <td>{cellText(row[field])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join("; ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

function Report(props: { page: AppPage; errors: CatalogError[]; download: string }) {
  const { t } = props.page;
  const groups = reportGroups(props.errors);
  return (
    <section class="card notice bad" aria-labelledby="report-title" id="validation-report">
      <h2 id="report-title">{t("import.reportTitle", { count: props.errors.length })}</h2>
      <p id="report-groups">{t("import.reportGroups", { groups: groups.map((g) => `${g.errors.length} × ${g.kind}`).join(", ") })}</p>
      <p>
        {t("import.reportHint")} <a href={props.download} id="report-download">{t("import.reportDownload")}</a>
      </p>
      {groups.slice(0, MAX_GROUPS).map((group) => (
        <details class="report-group">
          <summary>
            {group.kind} ({group.errors.length})
          </summary>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("import.row")}</th>
                  <th scope="col">{t("import.column")}</th>
                  <th scope="col">{t("import.value")}</th>
                  <th scope="col">{t("import.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {group.errors.slice(0, GROUP_ROWS).map((error) => (
                  <tr>
                    <td>{error.row}</td>
                    <td class="mono">{error.column}</td>
                    <td class="mono">{error.value}</td>
                    <td>{error.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {group.errors.length > GROUP_ROWS && <p class="muted">{t("import.reportGroupCut", { shown: GROUP_ROWS, count: group.errors.length })}</p>}
        </details>
      ))}
    </section>
  );
}

/** After a commit: the new version, or the current one when the file had exactly its features. */
export function ImportDone(props: { page: AppPage; version: CatalogVersion; previous?: number; unchanged?: boolean }) {
  const { t } = props.page;
  const done = props.unchanged ? "import.unchanged" : "import.done";
  return (
    <div id="draft-check">
      <p class={`notice ${props.unchanged ? "info" : "ok"} card`} role="status" id="import-done">
        {t(done, { version: props.version.id, count: props.version.featureCount })}{" "}
        <a href="/app/">{t("import.openCatalog")}</a>
        {props.previous !== undefined && (
          <>
            {" · "}
            <a href={`/app/versions/compare?from=${props.previous}&to=${props.version.id}`}>{t("import.compareWithPrevious")}</a>
          </>
        )}
      </p>
    </div>
  );
}
