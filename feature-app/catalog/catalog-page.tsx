// The catalog table: search, filters, sorting and paging. The whole page and the htmx fragment
// (#results, swapped as the user types or picks a filter) are the same components.
import type { CatalogVersion, Facets, FeatureQuery } from "./catalog-store";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { Feature } from "./feature-schema";
import { queryString } from "./feature-query";
import { PAGE_SIZES } from "./feature-query";
import { SearchField } from "../views/search-field";

export interface CatalogView {
  version: CatalogVersion;
  facets: Facets;
  query: FeatureQuery;
  items: Feature[];
  total: number;
  error?: string;
}

const COLUMNS = ["id", "name", "category", "release", "status"] as const;

export function CatalogPage(props: { page: AppPage; view: CatalogView }) {
  const { page, view } = props;
  const { t } = page;
  const { query, facets } = view;
  return (
    <AppLayout page={page} title={t("catalog.title")} section="catalog">
      <h1>{t("catalog.title")}</h1>
      <p class="muted">
        {t("catalog.versionLine", { name: view.version.name, version: view.version.id, count: view.version.featureCount })}{" "}
        <a href={`/app/api/catalog/export?format=csv`} download>
          CSV
        </a>{" "}
        ·{" "}
        <a href={`/app/api/catalog/export?format=xlsx`} download>
          XLSX
        </a>{" "}
        ·{" "}
        <a href={`/app/api/catalog/export?format=json`} download>
          JSON
        </a>
      </p>
      <search>
      <form
        id="catalog-filters"
        class="card filters"
        method="get"
        action="/app/"
        hx-get="/app/"
        hx-target="#results"
        hx-select="#results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="input changed delay:250ms from:#field-q, change, submit"
        hx-indicator="#catalog-loading"
      >
        <SearchField page={props.page} id="field-q" indicatorId="catalog-loading" value={query.q} class="grow" />
        <Filter label={t("catalog.category")} name="category" value={query.category} all={t("catalog.all")} options={facets.categories} />
        <Filter label={t("catalog.release")} name="release" value={query.release} all={t("catalog.all")} options={facets.releases} />
        <Filter
          label={t("catalog.status")}
          name="status"
          value={query.status}
          all={t("catalog.all")}
          options={facets.statuses.map((s) => ({ ...s, label: t(`status.${s.value as Feature["status"]}`) }))}
        />
        <div class="field">
          <label for="field-pageSize">{t("catalog.pageSize")}</label>
          <select id="field-pageSize" name="pageSize">
            {PAGE_SIZES.map((size) => (
              <option value={String(size)} selected={query.pageSize === size}>
                {size}
              </option>
            ))}
          </select>
        </div>
        <noscript>
          <button type="submit">{t("catalog.apply")}</button>
        </noscript>
        </form>
      </search>
      <CatalogResults page={page} view={view} />
    </AppLayout>
  );
}

function Filter(props: { label: string; name: string; value: string; all: string; options: { value: string; count: number; label?: string }[] }) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        <option value="">{props.all}</option>
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label ?? option.value} ({option.count})
          </option>
        ))}
      </select>
    </div>
  );
}

export function CatalogResults(props: { page: AppPage; view: CatalogView }) {
  const { t } = props.page;
  const { query, items, total, error } = props.view;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const first = total === 0 ? 0 : (query.page - 1) * query.pageSize + 1;
  const last = Math.min(total, query.page * query.pageSize);
  return (
    <section id="results" aria-live="polite">
      {error ? (
        <p class="notice bad card" role="alert">
          {error}
        </p>
      ) : (
        <p class="muted" id="result-count">
          {t("catalog.showing", { first, last, total })}
        </p>
      )}
      <div class="table-scroll">
        <table id="features">
          {/* Sorting and paging swap the results in place; feature links open their page. */}
          <thead hx-boost="true" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
            <tr>
              {COLUMNS.map((column) => {
                const active = query.sort === column;
                const direction = active && query.direction === "asc" ? "desc" : "asc";
                return (
                  <th scope="col" aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : undefined}>
                    <a href={`/app/${queryString(query, { sort: column, direction, page: 1 })}`}>
                      {t(`catalog.${column}`)}
                      {active ? (query.direction === "asc" ? " ▲" : " ▼") : ""}
                    </a>
                  </th>
                );
              })}
              <th scope="col">{t("catalog.parameters")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((feature) => (
              <tr id={feature.id}>
                <td class="nowrap">
                  <a href={`/app/features/${encodeURIComponent(feature.id)}`}>{feature.id}</a>
                </td>
                <td>{feature.name}</td>
                <td>{feature.category}</td>
                <td>{feature.release}</td>
                <td>
                  <span class={`badge status-${feature.status}`}>{t(`status.${feature.status}`)}</span>
                </td>
                <td>{feature.parameters.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total === 0 && !error && <p class="card muted">{t("catalog.noMatch")}</p>}
      {pages > 1 && (
        <nav class="pager" aria-label={t("catalog.pages")} hx-boost="true" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
          {query.page > 1 && <a href={`/app/${queryString(query, { page: query.page - 1 })}`}>{t("catalog.previous")}</a>}
          <span>{t("catalog.pageOf", { page: query.page, pages })}</span>
          {query.page < pages && <a href={`/app/${queryString(query, { page: query.page + 1 })}`}>{t("catalog.next")}</a>}
        </nav>
      )}
    </section>
  );
}
