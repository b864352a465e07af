// One feature set's page: its features (chosen, or required by a chosen one), conflicts, the
// search that adds more, the values and sites form, export, charts, and the histories of
// revisions and generations. Other users see the same page without the controls that write.
import { StatusNotice } from "../../views/form";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { Feature } from "../catalog/feature-schema";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { FeatureSet, RevisionSummary } from "./feature-set-store";
import type { Draft } from "./draft-store";
import type { FeaturePage } from "./set-paging";
import type { GenerationSummary } from "./generation-store";
import type { KeptExport } from "./kept-export";
import type { Resolution } from "./resolve";
import { SetWriteButton, oob, setPath } from "./set-controls";
import { DraftEdition, SetEditor } from "./set-editor";
import { IdempotencyField } from "../views/idempotency-field";
import type { SetForm } from "./set-form";
import { GenerationHistory, RevisionHistory } from "./set-history";
import { ExportCard, SetCharts } from "./set-outputs";
import { When } from "../views/when";
import { Errors } from "./sets-list-page";
import { AddMessages, FeatureSearch, PasteIds, SearchResults } from "./set-add";
import { FeatureList } from "./set-features";
import { PinBanner } from "./set-upgrade-page";

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
  /** The export "Generate and keep" has just made, which the page announces (`?kept=`). */
  kept?: KeptExport;
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
  /** The newest catalog version, for the banner when the set is pinned to an older one. */
  currentCatalogVersion?: number;
  /** What was refused because the draft had changed in another tab or window meanwhile: an edit, or a save. */
  elsewhere?: "edit" | "save";
  /** This page's id, posted with its draft edits: a draft changed by another page since is not overwritten. */
  tab: string;
}


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
      <PinBanner page={page} set={set} builtOn={view.catalog.version.id} current={view.currentCatalogVersion} />
      <Errors messages={view.problems} id="set-problems" />
      <DraftBanner page={page} view={view} />
      <SetActions page={page} view={view} />
      <FeatureList page={page} view={view} />
      {view.editable && <FeatureSearch page={page} view={view} />}
      <SetEditor page={page} view={view} />
      <SitesTableCard page={page} view={view} />
      <ExportCard page={page} view={view} />
      <SetCharts page={page} view={view} />
      <GenerationHistory page={page} set={set} generations={view.generations} editable={view.editable} kept={view.kept} />
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
        <IdempotencyField />
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
  if (props.bannerOnly) {
    return (
      <>
        <DraftBanner page={page} view={view} swap />
        <DraftEdition view={view} swap />
      </>
    );
  }
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
      {props.view.elsewhere && (
        <p class="notice bad card" role="alert" id="set-draft-elsewhere">
          {t(props.view.elsewhere === "save" ? "sets.draftElsewhereSave" : "sets.draftElsewhere")} <a href={setPath(set, "")}>{t("sets.reload")}</a>
        </p>
      )}
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
