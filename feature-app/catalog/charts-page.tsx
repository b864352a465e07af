// The catalog in charts: features per release and per category (uPlot bars, drawn by
// static/feature-charts.js from the data- attributes), each with its numbers as a table too.
import { type AppPage, AppLayout } from "../views/app-layout";
import type { CatalogVersion, Facets } from "./catalog-store";

export function ChartsPage(props: { page: AppPage; version: CatalogVersion; facets: Facets }) {
  const { t } = props.page;
  return (
    <AppLayout page={props.page} title={t("charts.title")} section="charts" charts scripts={["feature-charts.js"]}>
      <h1>{t("charts.title")}</h1>
      <p class="muted">{t("charts.of", { name: props.version.name, version: props.version.id })}</p>
      <BarChart id="per-release" title={t("charts.perRelease")} series={t("charts.features")} counts={props.facets.releases} />
      <BarChart id="per-category" title={t("charts.perCategory")} series={t("charts.features")} counts={props.facets.categories} />
    </AppLayout>
  );
}

/** A bar chart with the same numbers as a table below it, for screen readers and for copying. */
export function BarChart(props: { id: string; title: string; series: string; counts: { value: string; count: number }[] }) {
  return (
    <figure class="card" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>
        <h2>{props.title}</h2>
      </figcaption>
      <div
        class="chart"
        data-bar-chart
        data-series={props.series}
        data-labels={JSON.stringify(props.counts.map((c) => c.value))}
        data-values={JSON.stringify(props.counts.map((c) => c.count))}
      ></div>
      <details>
        <summary>{props.series}</summary>
        <table id={`${props.id}-table`}>
          <tbody>
            {props.counts.map((c) => (
              <tr>
                <th scope="row">{c.value}</th>
                <td>{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
