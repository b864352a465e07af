// Catalog versions: every import, newest first, the comparison of any two, and (for catalog
// editors) making an older version current again, after seeing what that does to feature sets.
import { type AppPage, AppLayout } from "../views/app-layout";
import { When } from "../views/when";
import type { CatalogComparison } from "./catalog-compare";
import type { CatalogVersion } from "./catalog-store";
import type { Feature } from "./feature-schema";
import type { CatalogImpact } from "./catalog-impact";
import { ImpactConfirm, ImpactReport } from "./impact-view";

export interface ComparisonView {
  from: CatalogVersion;
  to: CatalogVersion;
  comparison: CatalogComparison;
}

export interface VersionsView {
  page: AppPage;
  versions: CatalogVersion[];
  /** Whether this person may make a version current. */
  canEdit: boolean;
  compared?: ComparisonView;
  error?: string;
  /** The outcome of "make current". */
  notice?: string;
}

export function VersionsPage(props: VersionsView) {
  const { page, versions } = props;
  const { t } = page;
  const [newest, previous] = versions;
  const from = props.compared?.from.id ?? previous?.id ?? newest?.id;
  const to = props.compared?.to.id ?? newest?.id;
  return (
    <AppLayout page={page} title={t("versions.title")} section="versions">
      <h1>{t("versions.title")}</h1>
      {props.notice && (
        <p class="notice ok card" role="status" id="versions-notice">
          {props.notice}
        </p>
      )}
      <div class="table-scroll">
        <table id="versions">
          <thead>
            <tr>
              <th scope="col">{t("versions.version")}</th>
              <th scope="col">{t("versions.name")}</th>
              <th scope="col">{t("versions.source")}</th>
              <th scope="col">{t("versions.importedBy")}</th>
              <th scope="col">{t("versions.importedAt")}</th>
              <th scope="col">{t("versions.features")}</th>
              <th scope="col">{t("versions.hash")}</th>
              {props.canEdit && <th scope="col">{t("versions.actionColumn")}</th>}
            </tr>
          </thead>
          <tbody>
            {versions.map((version, index) => (
              <tr id={`version-${version.id}`}>
                <td>
                  v{version.id}
                  {index === 0 && <span class="badge status-active"> {t("versions.current")}</span>}
                </td>
                <td>{version.name}</td>
                <td>
                  {version.source} ({version.format})
                </td>
                <td>{version.importedBy}</td>
                <td>
                  <When date={version.importedAt} locale={page.locale} />
                </td>
                <td>{version.featureCount}</td>
                <td class="mono" title={version.contentHash}>
                  {version.contentHash.slice(0, 12)}
                </td>
                {props.canEdit && (
                  <td>
                    {index > 0 && (
                      <a href={`/app/versions/${version.id}/make-current`} id={`make-current-${version.id}`}>
                        {t("versions.makeCurrent")}
                      </a>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <form
          class="card filters"
          method="get"
          action="/app/versions/compare"
          hx-get="/app/versions/compare"
          hx-target="#comparison"
          hx-select="#comparison"
          hx-swap="outerHTML"
          hx-push-url="true"
          hx-indicator="#compare-loading"
        >
          <VersionSelect label={t("versions.from")} name="from" versions={versions} selected={from} />
          <VersionSelect label={t("versions.to")} name="to" versions={versions} selected={to} />
          <button type="submit">{t("versions.compare")}</button>
          <span id="compare-loading" class="htmx-indicator muted">
            {t("common.loading")}
          </span>
        </form>
      )}
      <Comparison page={page} compared={props.compared} error={props.error} />
    </AppLayout>
  );
}

function VersionSelect(props: { label: string; name: string; versions: CatalogVersion[]; selected?: number }) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.versions.map((version) => (
          <option value={String(version.id)} selected={version.id === props.selected}>
            v{version.id} — {version.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Comparison(props: { page: AppPage; compared?: ComparisonView; error?: string }) {
  const { t } = props.page;
  if (props.error) {
    return (
      <section id="comparison">
        <p class="notice bad card" role="alert">
          {props.error}
        </p>
      </section>
    );
  }
  if (!props.compared) return <section id="comparison"></section>;
  const { from, to, comparison } = props.compared;
  return (
    <section id="comparison" aria-labelledby="comparison-title">
      <h2 id="comparison-title">{t("versions.comparisonTitle", { from: from.id, to: to.id })}</h2>
      <p id="comparison-summary">
        {t("versions.summary", {
          added: comparison.added.length,
          removed: comparison.removed.length,
          changed: comparison.changed.length,
          unchanged: comparison.unchanged,
        })}
      </p>
      <FeatureList id="added" title={t("versions.added")} features={comparison.added} />
      <FeatureList id="removed" title={t("versions.removed")} features={comparison.removed} />
      {comparison.changed.length > 0 && (
        <section class="card" id="changed">
          <h3>{t("versions.changed")}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("catalog.id")}</th>
                <th scope="col">{t("catalog.name")}</th>
                <th scope="col">{t("versions.changedFields")}</th>
              </tr>
            </thead>
            <tbody>
              {comparison.changed.map((change) => (
                <tr>
                  <td class="mono">{change.id}</td>
                  <td>{change.name}</td>
                  <td>{change.fields.join("; ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function FeatureList(props: { id: string; title: string; features: Feature[] }) {
  if (props.features.length === 0) return null;
  return (
    <section class="card" id={props.id}>
      <h3>{props.title}</h3>
      <ul>
        {props.features.map((feature) => (
          <li>
            <span class="mono">{feature.id}</span> {feature.name}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The confirmation step of "make version N current", with its impact on the current catalog and the team's feature sets. */
export function MakeCurrentPage(props: { page: AppPage; source: CatalogVersion; impact: CatalogImpact; message?: string }) {
  const { page, source, impact } = props;
  const { t } = page;
  const action = `/app/versions/${source.id}/make-current`;
  return (
    <AppLayout page={page} title={t("versions.makeCurrentTitle", { version: source.id })} section="versions">
      <p>
        <a href="/app/versions">← {t("versions.title")}</a>
      </p>
      <h1>{t("versions.makeCurrentTitle", { version: source.id })}</h1>
      <p>{t("versions.makeCurrentIntro", { version: source.id })}</p>
      {props.message && (
        <p class="notice bad card" role="alert">
          {props.message}
        </p>
      )}
      <ImpactReport t={t} impact={impact} source={source.id} />
      <form method="post" action={action} class="card actions" id="make-current-form">
        <ImpactConfirm t={t} impact={impact} />{" "}
        <button type="submit" id="make-current-button">
          {t("versions.makeCurrentButton", { version: source.id })}
        </button>
      </form>
    </AppLayout>
  );
}
