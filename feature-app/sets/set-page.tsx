// One feature set's page: its features (chosen, or required by a chosen one), conflicts, the
// search that adds more, the values and sites form, export, charts, and the histories of
// revisions and generations. Other users see the same page without the controls that write.
import { StatusNotice, TableHead } from "../../views/form";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { Feature } from "../catalog/feature-schema";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { FeatureSet, RevisionSummary } from "./feature-set-store";
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
  search: { q: string; items: Feature[] };
  numericParameters: string[];
  /** The newest catalog version, for the banner when the set is pinned to an older one. */
  currentCatalogVersion?: number;
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
      <SetActions page={page} view={view} />
      <FeatureList page={page} view={view} />
      {view.editable && <FeatureSearch page={page} set={set} search={view.search} />}
      <SetEditor page={page} view={view} />
      <ExportCard page={page} view={view} />
      <SetCharts page={page} view={view} />
      <GenerationHistory page={page} set={set} generations={view.generations} />
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

function FeatureList(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, resolution, editable } = props.view;
  return (
    <section class="card" id="set-features" aria-labelledby="set-features-title">
      <h2 id="set-features-title">{t("sets.features", { count: resolution.features.length })}</h2>
      {resolution.conflicts.length > 0 && (
        <ul class="notice bad card" id="set-conflicts">
          {resolution.conflicts.map(([a, b]) => (
            <li>{t("sets.conflictPair", { a, b })}</li>
          ))}
        </ul>
      )}
      {resolution.features.length === 0 ? (
        <p class="muted">{t("sets.noFeatures")}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <TableHead labels={[t("catalog.id"), t("catalog.name"), t("catalog.category"), t("sets.why"), ...(editable ? [""] : [])]} />
            <tbody>
              {resolution.features.map((entry) => (
                <tr id={`set-feature-${entry.id}`}>
                  <td>
                    <a href={`/app/features/${encodeURIComponent(entry.id)}`}>{entry.id}</a>
                  </td>
                  <td>{entry.feature?.name ?? <span class="badge state-failed">{t("sets.notInCatalog")}</span>}</td>
                  <td>{entry.feature?.category}</td>
                  <td>
                    {entry.chosen && <span class="badge">{t("sets.chosenBadge")}</span>}{" "}
                    {entry.requiredBy.length > 0 && <span class="required-by">{t("sets.requiredBy", { ids: entry.requiredBy.join(", ") })}</span>}
                  </td>
                  {editable && (
                    <td>
                      {entry.chosen && (
                        <SetWriteButton set={set} action="/features/remove" fields={{ feature: entry.id }} label={t("sets.remove")} link />
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

function FeatureSearch(props: { page: AppPage; set: FeatureSet; search: SetView["search"] }) {
  const { t } = props.page;
  const { set } = props;
  return (
    <section class="card" aria-labelledby="set-add-title">
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
        >
          <SearchField page={props.page} id="set-search-q" indicatorId="set-search-loading" value={props.search.q} />
        </form>
      </search>
      <SearchResults page={props.page} set={set} search={props.search} />
    </section>
  );
}

export function SearchResults(props: { page: AppPage; set: FeatureSet; search: SetView["search"] }) {
  const { t } = props.page;
  const { set, search } = props;
  const inSet = new Set(set.content.features);
  return (
    <div id="set-search-results" aria-live="polite">
      {search.q !== "" && search.items.length === 0 && <p class="muted">{t("catalog.noMatch")}</p>}
      {search.items.length > 0 && (
        <table>
          <tbody>
            {search.items.map((feature) => (
              <tr>
                <td>{feature.id}</td>
                <td>{feature.name}</td>
                <td>
                  {inSet.has(feature.id) ? (
                    <span class="badge">{t("sets.chosenBadge")}</span>
                  ) : (
                    <SetWriteButton set={set} action="/features/add" fields={{ feature: feature.id }} label={t("sets.addButton")} ariaLabel={t("sets.addOne", { id: feature.id })} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
