// One feature set's page: its features (chosen, or required by a chosen one), conflicts, the
// search that adds more, the values and sites form, export, charts, and the histories of
// revisions and generations. Other users see the same page without the controls that write.
import { StatusNotice, TableHead } from "../../views/form";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { Feature } from "../catalog/feature-schema";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { FeatureSet, RevisionSummary } from "./feature-set-store";
import type { Draft } from "./draft-store";
import type { FeaturePage } from "./set-paging";
import type { GenerationSummary } from "./generation-store";
import type { Resolution } from "./resolve";
import { SetWriteButton, setPath } from "./set-controls";
import { SetEditor } from "./set-editor";
import type { SetForm } from "./set-form";
import { GenerationHistory, RevisionHistory } from "./set-history";
import { ExportCard, SetCharts } from "./set-outputs";
import { When } from "../views/when";
import { Errors } from "./sets-list-page";
import { SearchField } from "../views/search-field";
import { FEATURES_PER_PAGE } from "./set-paging";

export interface SetView {
  set: FeatureSet;
  catalog: LoadedCatalog;
  resolution: Resolution;
  editable: boolean;
  /** The revision the form was based on: the stored one, or the reader's own after a refused save. */
  baseRevision: number;
  form: SetForm;
  errors: Record<string, string>;
  problems: string[];
  notice?: string;
  blockers: string[];
  revisions: RevisionSummary[];
  generations: GenerationSummary[];
  /** `ticked`: features ticked in an earlier search, shown ticked above these results. */
  search: { q: string; items: Feature[]; ticked?: Feature[] };
  numericParameters: string[];
  /** Kept exports per set, besides pinned ones. */
  generationKeep: number;
  /** The owner's unsaved edits; what the page shows in the editor when there are some. */
  draft?: Draft;
  /** The note typed for the next revision, kept after a refused save. */
  note?: string;
  /** The features (and so the value inputs) this page shows. */
  featurePage: FeaturePage;
  /** How the editor shows the sites: a grid unless the reader asked for the text view. */
  sitesView: "grid" | "text";
  /** The id of the control that takes the focus when an htmx answer swaps it in (htmx honours autofocus). */
  focus?: string;
}

/** Marks a part as one an htmx answer swaps in by its id ("out of band"). */
const oob = (swap?: boolean) => (swap ? { "hx-swap-oob": "true" } : {});

export function SetPage(props: { page: AppPage; view: SetView }) {
  const { page, view } = props;
  const { t } = page;
  const { set } = view;
  return (
    <AppLayout page={page} title={set.name} section="sets" charts scripts={["set-charts.js"]}>
      <p>
        <a href="/app/sets">← {t("sets.title")}</a>
      </p>
      <h1>{set.name}</h1>
      <p class="muted" id="set-meta">
        {t("sets.meta", { owner: set.owner, revision: set.revision, user: set.updatedBy })} <When date={set.updatedAt} locale={page.locale} />
        {!view.editable && <span class="badge">{t("sets.readOnly")}</span>}
      </p>
      <StatusNotice message={view.notice} />
      <Errors messages={view.problems} id="set-problems" />
      <DraftBanner page={page} view={view} />
      <SetActions page={page} view={view} />
      <FeatureList page={page} view={view} />
      {view.editable && <FeatureSearch page={page} view={view} />}
      <SetEditor page={page} view={view} />
      <SitesTableCard page={page} view={view} />
      <ExportCard page={page} view={view} />
      <SetCharts page={page} view={view} />
      <GenerationHistory page={page} set={set} generations={view.generations} editable={view.editable} />
      <RevisionHistory page={page} view={view} />
    </AppLayout>
  );
}

function SetActions(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, editable } = props.view;
  return (
    <div class="card set-actions">
      <form method="post" action={setPath(set, "/clone")} class="inline">
        <label for="clone-name">{t("sets.cloneAs")}</label>{" "}
        <input id="clone-name" name="name" value={t("sets.copyName", { name: set.name })} maxlength={100} />{" "}
        <button type="submit" class="secondary">
          {t("sets.clone")}
        </button>
      </form>
      {editable && (
        // A plain form has no confirm dialog without script, so the box must be ticked first.
        <form method="post" action={setPath(set, "/delete")} class="inline">
          <label>
            <input type="checkbox" name="confirm" value="yes" required /> {t("sets.deleteConfirm", { name: set.name })}
          </label>{" "}
          <button type="submit" class="secondary">
            {t("sets.delete")}
          </button>
        </form>
      )}
    </div>
  );
}

/** What an edit of the draft answers to htmx: every part that shows the draft, swapped by id. */
export function DraftParts(props: { page: AppPage; view: SetView; problems: string[]; notes: string[]; bannerOnly?: boolean }) {
  const { page, view } = props;
  if (props.bannerOnly) return <DraftBanner page={page} view={view} swap />;
  return (
    <>
      <DraftBanner page={page} view={view} swap />
      <FeatureList page={page} view={view} swap />
      <SearchResults page={page} chosen={view.resolution.features.filter((f) => f.chosen).map((f) => f.id)} search={view.search} swap />
      <AddMessages problems={props.problems} notes={props.notes} swap />
      {props.problems.length === 0 && <PasteIds page={page} swap />}
      <SetEditor page={page} view={view} swap />
    </>
  );
}

/** Says that the editor shows unsaved edits, since when, and offers to drop them. */
function DraftBanner(props: { page: AppPage; view: SetView; swap?: boolean }) {
  const { t, locale } = props.page;
  const { set, draft } = props.view;
  return (
    <div id="set-draft" aria-live="polite" {...oob(props.swap)}>
      {draft && (
        <div class="notice warn card">
          <p>
            <span class="badge status-deprecated">{t("sets.draftBadge")}</span> {t("sets.draftText", { revision: draft.baseRevision })} <When date={draft.updatedAt} locale={locale} />
          </p>
          {draft.baseRevision !== set.revision && (
            <p>
              {t("sets.draftBehind", { base: draft.baseRevision, revision: set.revision, user: set.updatedBy })}{" "}
              <SetWriteButton set={set} action="/draft/rebase" fields={{}} label={t("sets.draftRebase", { revision: set.revision })} link />
            </p>
          )}
          <SetWriteButton set={set} action="/draft/discard" fields={{}} label={t("sets.discard")} link />
        </div>
      )}
    </div>
  );
}

/** htmx posts a draft edit and swaps the parts it changes; without script the form posts and the page comes back. */
const draftEdit = (set: FeatureSet, action: string) => ({
  "hx-post": setPath(set, action),
  "hx-swap": "none",
  "hx-include": "#set-search-q",
  // After the editor's own draft save (a change fires as the focus leaves it), never beside it:
  // each answer redraws the editor from the draft as stored.
  "hx-sync": "#set-editor:queue all",
});

function FeatureList(props: { page: AppPage; view: SetView; swap?: boolean }) {
  const { t } = props.page;
  const { set, resolution, editable, featurePage } = props.view;
  return (
    <section class="card" id="set-features" aria-labelledby="set-features-title" {...oob(props.swap)}>
      <h2 id="set-features-title" tabindex={-1} autofocus={props.view.focus === "set-features-title"}>
        {t("sets.features", { count: resolution.features.length })}
      </h2>
      {resolution.conflicts.length > 0 && (
        <ul class="notice bad card" id="set-conflicts">
          {resolution.conflicts.map(([a, b]) => (
            <li>{t("sets.conflictPair", { a, b })}</li>
          ))}
        </ul>
      )}
      {resolution.features.length > FEATURES_PER_PAGE && <FeaturePager page={props.page} set={set} featurePage={featurePage} />}
      {resolution.features.length === 0 ? (
        <p class="muted">{t("sets.noFeatures")}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <TableHead labels={[t("catalog.id"), t("catalog.name"), t("catalog.category"), t("catalog.status"), t("sets.why"), ...(editable ? [""] : [])]} />
            <tbody>
              {featurePage.features.map((entry) => (
                <tr id={`set-feature-${entry.id}`}>
                  <td>
                    <a href={`/app/features/${encodeURIComponent(entry.id)}`}>{entry.id}</a>
                  </td>
                  <td>{entry.feature?.name ?? <span class="badge state-failed">{t("sets.notInCatalog")}</span>}</td>
                  <td>{entry.feature?.category}</td>
                  <td>{entry.feature && <span class={`badge status-${entry.feature.status}`}>{t(`status.${entry.feature.status}`)}</span>}</td>
                  <td>
                    {entry.chosen && <span class="badge">{t("sets.chosenBadge")}</span>}{" "}
                    {entry.requiredBy.length > 0 && <span class="required-by">{t("sets.requiredBy", { ids: entry.requiredBy.join(", ") })}</span>}
                  </td>
                  {editable && (
                    <td>
                      {entry.chosen && (
                        <form method="post" action={setPath(set, "/features/remove")} class="inline" {...draftEdit(set, "/features/remove")}>
                          <input type="hidden" name="revision" value={String(props.view.baseRevision)} />
                          <input type="hidden" name="feature" value={entry.id} />
                          <button type="submit" class="link" id={`remove-${entry.id}`} autofocus={props.view.focus === `remove-${entry.id}`} aria-label={t("sets.removeOne", { id: entry.id })}>
                            {t("sets.remove")}
                          </button>
                        </form>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The sites as a spreadsheet: download the saved ones, or (owner) import a planning table into the draft. */
function SitesTableCard(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, editable, baseRevision } = props.view;
  const api = `/app/api/feature-sets/${set.id}/sites`;
  return (
    <section class="card" id="set-sites-table" aria-label={t("sets.sites")}>
      <p>
        {t("sites.table.export")}{" "}
        <a href={`${api}?format=csv`} download>
          CSV
        </a>{" "}
        ·{" "}
        <a href={`${api}?format=xlsx`} download>
          XLSX
        </a>
      </p>
      {editable && (
        <form method="post" action={setPath(set, "/sites/import")} enctype="multipart/form-data" class="grid-form">
          <input type="hidden" name="revision" value={String(baseRevision)} />
          <div class="field">
            <label for="sites-file">{t("sites.table.import")}</label>
            <input id="sites-file" name="file" type="file" accept=".csv,.xlsx,text/csv" required />
          </div>
          <button type="submit" class="secondary">
            {t("sites.table.importButton")}
          </button>
        </form>
      )}
    </section>
  );
}

/** Filter and pages for a set too large to show at once: plain links, so each page has its address. */
function FeaturePager(props: { page: AppPage; set: FeatureSet; featurePage: FeaturePage }) {
  const { t } = props.page;
  const { page, pages, total, filter } = props.featurePage;
  const link = (n: number) => setPath(props.set, `?${new URLSearchParams({ ...(filter ? { filter } : {}), page: String(n) })}`);
  return (
    <nav class="pager" id="set-feature-pager" aria-label={t("sets.pager")}>
      <form method="get" action={setPath(props.set)} class="inline">
        <label for="set-feature-filter">{t("sets.filter")}</label> <input id="set-feature-filter" name="filter" type="search" value={filter} maxlength={100} />{" "}
        <button type="submit" class="secondary">
          {t("sets.filterButton")}
        </button>
      </form>{" "}
      <span id="set-feature-range">{t("sets.pageOf", { page, pages, total })}</span> {page > 1 && <a href={link(page - 1)}>{t("sets.previous")}</a>}{" "}
      {page < pages && <a href={link(page + 1)}>{t("sets.next")}</a>}
    </nav>
  );
}

/** The search (swapping only its results) and one form that adds every ticked result and pasted id at once. */
function FeatureSearch(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, search, resolution } = props.view;
  return (
    <section class="card" id="set-add" aria-labelledby="set-add-title">
      <h2 id="set-add-title">{t("sets.add")}</h2>
      <search>
        <form
          method="get"
          action={setPath(set)}
          hx-get={setPath(set, "/search")}
          hx-target="#set-search-results"
          hx-swap="outerHTML"
          hx-trigger="input changed delay:300ms from:#set-search-q, submit"
          hx-indicator="#set-search-loading"
          hx-include="#set-search-results"
        >
          <SearchField page={props.page} id="set-search-q" indicatorId="set-search-loading" value={search.q} />
        </form>
      </search>
      <form method="post" action={setPath(set, "/features/add")} id="set-add-form" {...draftEdit(set, "/features/add")}>
        <input type="hidden" name="revision" value={String(props.view.baseRevision)} />
        <SearchResults page={props.page} chosen={resolution.features.filter((f) => f.chosen).map((f) => f.id)} search={search} />
        <PasteIds page={props.page} />
        <button type="submit" id="set-add-button">
          {t("sets.addSelected")}
        </button>
        <AddMessages problems={[]} notes={[]} />
      </form>
    </section>
  );
}

function PasteIds(props: { page: AppPage; swap?: boolean }) {
  const { t } = props.page;
  return (
    <div class="field" id="set-add-paste" {...oob(props.swap)}>
      <label for="set-add-ids">{t("sets.pasteIds")}</label>
      <textarea id="set-add-ids" name="ids" rows={2} placeholder="FGR-CA0001; FGR-CA0002"></textarea>
    </div>
  );
}

function AddMessages(props: { problems: string[]; notes: string[]; swap?: boolean }) {
  return (
    <div id="set-add-messages" aria-live="polite" {...oob(props.swap)}>
      {props.problems.map((p) => (
        <p class="error">{p}</p>
      ))}
      {props.notes.map((n) => (
        <p class="muted">{n}</p>
      ))}
    </div>
  );
}

export function SearchResults(props: { page: AppPage; chosen: string[]; search: SetView["search"]; swap?: boolean }) {
  const { t } = props.page;
  const { search } = props;
  const inSet = new Set(props.chosen);
  const ticked = search.ticked ?? [];
  return (
    <div id="set-search-results" aria-live="polite" {...oob(props.swap)}>
      {search.q !== "" && search.items.length === 0 && <p class="muted">{t("catalog.noMatch")}</p>}
      {ticked.length + search.items.length > 0 && (
        <table>
          <tbody>
            {[...ticked, ...search.items].map((feature, i) => (
              <tr>
                <td>
                  {inSet.has(feature.id) ? (
                    <span class="badge">{t("sets.chosenBadge")}</span>
                  ) : (
                    <input type="checkbox" name="feature" value={feature.id} id={`add-${feature.id}`} checked={i < ticked.length} aria-label={t("sets.addOne", { id: feature.id })} />
                  )}
                </td>
                <td>
                  <label for={`add-${feature.id}`}>{feature.id}</label>
                </td>
                <td>{feature.name}</td>
                <td>
                  <span class={`badge status-${feature.status}`}>{t(`status.${feature.status}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
