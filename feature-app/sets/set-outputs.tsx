// What the set page offers beyond editing: export (or why it is blocked) and the charts, whose
// data the page script fetches as JSON (no inline script under the CSP).
import type { AppPage } from "../views/app-layout";
import { setPath } from "./set-controls";
import { IdempotencyField } from "../views/idempotency-field";
import { exportWarnings } from "./set-status";
import type { SetView } from "./set-page";

export function ExportCard(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, blockers, editable, resolution } = props.view;
  const warnings = exportWarnings(resolution, t);
  const choice = (label: string, scope: Record<string, string> = {}) => <ExportChoice page={props.page} set={set} label={label} scope={scope} keep={editable} />;
  return (
    <section class="card" id="set-export" aria-labelledby="set-export-title">
      <h2 id="set-export-title">{t("generation.export")}</h2>
      {props.view.draft && (
        <p class="notice warn card" id="export-draft-note">
          {t("generation.draftNotExported", { revision: set.revision })}
        </p>
      )}
      {blockers.length > 0 ? (
        <NoticeList id="export-blocked" kind="bad" intro={t("generation.blocked")} items={blockers} />
      ) : (
        <>
          {warnings.length > 0 && <NoticeList id="export-warnings" kind="warn" intro={t("generation.warnings")} items={warnings} />}
          <p class="muted">{editable ? t("generation.keepHint", { keep: props.view.generationKeep }) : t("generation.renderHint")}</p>
          <ul class="export-links">
            <li>{choice(t("generation.wholeSet"))}</li>
            {set.content.sites.map((site) => (
              <li>{choice(t("generation.oneSite", { site: site.name }), { site: site.name })}</li>
            ))}
            {set.content.sites.length > 0 && <li>{choice(t("generation.allSites", { count: set.content.sites.length }), { sites: "all" })}</li>}
          </ul>
        </>
      )}
      <progress data-progress-task="export" hidden max={1} value={0} aria-label={t("generation.progress")}></progress>
      <p class="muted">
        <a href="/app/api/schema">{t("generation.schema")}</a>
      </p>
    </section>
  );
}

function NoticeList(props: { id: string; kind: "bad" | "warn"; intro: string; items: string[] }) {
  return (
    <div class={`notice ${props.kind} card`} role={props.kind === "bad" ? "alert" : undefined} id={props.id}>
      <p>{props.intro}</p>
      <ul>
        {props.items.map((item) => (
          <li>{item}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A download (the API's GET: rendered, nothing stored) and, for the owner, the button that keeps it
 * (the page's POST, which comes back to this page showing the kept export). `scope`: the query
 * fields that choose the export (none, `site`, `sites=all`), the same for both.
 */
function ExportChoice(props: { page: AppPage; set: SetView["set"]; label: string; scope: Record<string, string>; keep: boolean }) {
  const { t } = props.page;
  const query = Object.entries(props.scope).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return (
    <>
      <a href={`/app/api/feature-sets/${props.set.id}/export${query.length > 0 ? `?${query.join("&")}` : ""}`} download>
        {props.label}
      </a>
      {props.keep && (
        <>
          {" "}
          <form method="post" action={setPath(props.set, "/export")} class="inline">
            <IdempotencyField />
            {Object.entries(props.scope).map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class="secondary" aria-label={t("generation.keepOne", { what: props.label })}>
              {t("generation.keep")}
            </button>
          </form>
        </>
      )}
    </>
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
          <div class="chart" data-set-chart="parameter" data-src={setPath(set, "/charts/parameter")} data-x-label={t("sets.siteName")} data-empty={t("sets.noChart")} data-default={t("sets.chartDefault")}></div>
        </figure>
      </div>
    </section>
  );
}
