// What the set page offers beyond editing: export (or why it is blocked) and the charts, whose
// data the page script fetches as JSON (no inline script under the CSP).
import type { AppPage } from "../views/app-layout";
import { setPath } from "./set-controls";
import type { SetView } from "./set-page";

export function ExportCard(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, blockers } = props.view;
  const api = `/app/api/feature-sets/${set.id}/export`;
  return (
    <section class="card" id="set-export" aria-labelledby="set-export-title">
      <h2 id="set-export-title">{t("generation.export")}</h2>
      {blockers.length > 0 ? (
        <div class="notice bad card" role="alert" id="export-blocked">
          <p>{t("generation.blocked")}</p>
          <ul>
            {blockers.map((b) => (
              <li>{b}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ul class="export-links">
          <li>
            <a href={api} download>
              {t("generation.wholeSet")}
            </a>
          </li>
          {set.content.sites.map((site) => (
            <li>
              <a href={`${api}?site=${encodeURIComponent(site.name)}`} download>
                {t("generation.oneSite", { site: site.name })}
              </a>
            </li>
          ))}
          {set.content.sites.length > 0 && (
            <li>
              <a href={`${api}?sites=all`} download>
                {t("generation.allSites", { count: set.content.sites.length })}
              </a>
            </li>
          )}
        </ul>
      )}
      <progress data-progress-task="export" hidden max={1} value={0} aria-label={t("generation.progress")}></progress>
      <p class="muted">
        <a href="/app/api/schema">{t("generation.schema")}</a>
      </p>
    </section>
  );
}

export function SetCharts(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, numericParameters } = props.view;
  return (
    <section class="card" aria-labelledby="set-charts-title">
      <h2 id="set-charts-title">{t("sets.charts")}</h2>
      <div class="chart-grid" data-set-charts>
        <figure class="wide">
          <figcaption>{t("sets.coverage")}</figcaption>
          <div class="chart" data-set-chart="coverage" data-src={setPath(set, "/charts/coverage")} data-x-label={t("catalog.category")} data-empty={t("sets.noChart")} data-catalog={t("sets.chartCatalog")} data-set={t("sets.chartSet")}></div>
        </figure>
        <figure class="wide">
          <figcaption>
            <label for="chart-parameter">{t("sets.parameterChart")}</label>{" "}
            <select id="chart-parameter">
              {numericParameters.map((p) => (
                <option value={p}>{p}</option>
              ))}
            </select>
          </figcaption>
          <div class="chart" data-set-chart="parameter" data-src={setPath(set, "/charts/parameter")} data-x-label={t("sets.siteName")} data-empty={t("sets.noChart")}></div>
        </figure>
      </div>
    </section>
  );
}
