// The set's features table (each with its catalog status, why it is there, and a Remove button
// for the chosen ones) and, for a large set, its filter and pages.
import { TableHead } from "../../views/form";
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import { draftEdit, oob, setPath } from "./set-controls";
import type { SetView } from "./set-page";
import { FEATURES_PER_PAGE, type FeaturePage } from "./set-paging";

export function FeatureList(props: { page: AppPage; view: SetView; swap?: boolean }) {
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
