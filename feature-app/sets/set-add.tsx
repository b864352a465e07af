// Adding features: the search (swapping only its results, keeping earlier ticks) and one form that
// adds every ticked result and every pasted id to the draft at once.
import type { AppPage } from "../views/app-layout";
import { SearchField } from "../views/search-field";
import { draftEdit, oob, setPath } from "./set-controls";
import type { SetView } from "./set-page";

/** The search (swapping only its results) and one form that adds every ticked result and pasted id at once. */
export function FeatureSearch(props: { page: AppPage; view: SetView }) {
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

export function PasteIds(props: { page: AppPage; swap?: boolean }) {
  const { t } = props.page;
  return (
    <div class="field" id="set-add-paste" {...oob(props.swap)}>
      <label for="set-add-ids">{t("sets.pasteIds")}</label>
      <textarea id="set-add-ids" name="ids" rows={2} placeholder="FGR-CA0001; FGR-CA0002"></textarea>
    </div>
  );
}

export function AddMessages(props: { problems: string[]; notes: string[]; swap?: boolean }) {
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
