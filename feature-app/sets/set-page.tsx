// One feature set's page: its features (chosen, or required by a chosen one), conflicts, the
// search that adds more, the values and sites form, export, charts, and the histories of
// revisions and generations. Other users see the same page without the controls that write.
import { assetUrl } from "../../src/http/static-assets";
import { Field, FormError, StatusNotice, TableHead } from "../../views/form";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { Feature, Parameter } from "../catalog/feature-schema";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { FeatureSet, RevisionSummary } from "./feature-set-store";
import type { GenerationSummary } from "./generation-store";
import type { Resolution } from "./resolve";
import { type SetForm, valueField } from "./set-form";
import { Errors, When } from "./sets-list-page";

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
}

const setPath = (set: FeatureSet, rest = "") => `/app/sets/${set.id}${rest}`;

export function SetPage(props: { page: AppPage; view: SetView }) {
  const { page, view } = props;
  const { t } = page;
  const { set } = view;
  return (
    <AppLayout page={page} title={set.name} section="sets" scripts={["set-charts.js"]}>
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
        >
          <div class="field">
            <label for="set-search-q">{t("catalog.search")}</label>
            <input id="set-search-q" name="q" type="search" value={props.search.q} placeholder={t("catalog.searchHint")} maxlength={200} autocomplete="off" />
          </div>
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

function SetEditor(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, form, errors, editable, resolution } = props.view;
  const withParameters = resolution.features.filter((f) => (f.feature?.parameters.length ?? 0) > 0);
  const sites = editable ? [...form.sites, { name: "", overrides: "" }] : form.sites;
  return (
    <form method="post" action={setPath(set, "/save")} class="card" id="set-editor">
      <input type="hidden" name="revision" value={String(props.view.baseRevision)} />
      <fieldset disabled={!editable}>
        <Field label={t("sets.name")} name="name" value={form.name} error={errors.name} maxlength={100} required />
        <h2>{t("sets.values")}</h2>
        {withParameters.length === 0 && <p class="muted">{t("sets.noValues")}</p>}
        {withParameters.map(({ id, feature }) => (
          <fieldset class="set-values">
            <legend>
              {id} · {feature!.name}
            </legend>
            {feature!.parameters.map((parameter) => (
              <ValueInput set={set} featureId={id} parameter={parameter} text={form.values[valueField(id, parameter.name)] ?? ""} error={errors[valueField(id, parameter.name)]} />
            ))}
          </fieldset>
        ))}
        <h2>{t("sets.sites")}</h2>
        <p class="muted">{t("sets.sitesHint")}</p>
        <div class="set-sites">
          {sites.map((site, i) => (
            <div class="set-site">
              <ValidatedField set={set} field={`site-name-${i}`} label={t("sets.siteName")} error={errors[`site-name-${i}`]}>
                <input id={`field-site-name-${i}`} name={`site-name-${i}`} value={site.name} maxlength={64} {...validation(set, `site-name-${i}`)} />
              </ValidatedField>
              <ValidatedField set={set} field={`site-overrides-${i}`} label={t("sets.overrides")} error={errors[`site-overrides-${i}`]}>
                <textarea id={`field-site-overrides-${i}`} name={`site-overrides-${i}`} rows={3} placeholder="FGR-CA0001.maxCcDl = 4" {...validation(set, `site-overrides-${i}`)}>
                  {site.overrides}
                </textarea>
              </ValidatedField>
            </div>
          ))}
        </div>
        {editable && <button type="submit">{t("sets.save")}</button>}
      </fieldset>
    </form>
  );
}

/** htmx checks the field as the user types: the answer is only the error text, swapped into the field's error line. */
function validation(set: FeatureSet, field: string, trigger = "input changed delay:300ms") {
  return {
    "hx-post": `${setPath(set, "/validate")}?field=${encodeURIComponent(field)}`,
    "hx-trigger": trigger,
    "hx-params": field,
    "hx-target": "next .field-error",
    "hx-swap": "innerHTML",
    "aria-describedby": `error-${field}`,
  };
}

function ValidatedField(props: { set: FeatureSet; field: string; label: string; hint?: string; error?: string; children: unknown }) {
  return (
    <div class="field">
      <label for={`field-${props.field}`}>
        {props.label}
        {props.hint && <span class="muted"> ({props.hint})</span>}
      </label>
      {props.children}
      <small class="error field-error" id={`error-${props.field}`} aria-live="polite">
        {props.error}
      </small>
    </div>
  );
}

function ValueInput(props: { set: FeatureSet; featureId: string; parameter: Parameter; text: string; error?: string }) {
  const { set, parameter, text } = props;
  const field = valueField(props.featureId, parameter.name);
  const hint =
    parameter.type === "int" || parameter.type === "float"
      ? `${parameter.type} ${parameter.min}..${parameter.max}${parameter.unit ? ` ${parameter.unit}` : ""}`
      : parameter.type === "string"
        ? `text ≤ ${parameter.maxLength}`
        : parameter.type;
  const choices = parameter.type === "bool" ? ["true", "false"] : parameter.type === "enum" ? parameter.allowed : undefined;
  return (
    <ValidatedField set={set} field={field} label={parameter.name} hint={hint} error={props.error}>
      {choices ? (
        <select id={`field-${field}`} name={field} {...validation(set, field, "change")}>
          {choices.map((choice) => (
            <option value={choice} selected={choice === text}>
              {choice}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={`field-${field}`}
          name={field}
          value={text}
          inputmode={parameter.type === "string" ? undefined : "decimal"}
          aria-invalid={props.error ? "true" : undefined}
          {...validation(set, field)}
        />
      )}
    </ValidatedField>
  );
}

function ExportCard(props: { page: AppPage; view: SetView }) {
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
      <progress id="live-progress" hidden max={1} value={0} aria-label={t("generation.progress")}></progress>
      <p class="muted">
        <a href="/app/api/schema">{t("generation.schema")}</a>
      </p>
    </section>
  );
}

function SetCharts(props: { page: AppPage; view: SetView }) {
  const { t } = props.page;
  const { set, numericParameters } = props.view;
  return (
    <section class="card" aria-labelledby="set-charts-title">
      <link rel="stylesheet" href={assetUrl("uPlot.min.css")} />
      <h2 id="set-charts-title">{t("sets.charts")}</h2>
      <div class="chart-grid" data-uplot={assetUrl("uPlot.iife.min.js")}>
        <figure>
          <figcaption>{t("sets.coverage")}</figcaption>
          <div class="chart" data-set-chart="coverage" data-src={setPath(set, "/charts/coverage")} data-empty={t("sets.noChart")} data-catalog={t("sets.chartCatalog")} data-set={t("sets.chartSet")}></div>
        </figure>
        <figure>
          <figcaption>
            <label for="chart-parameter">{t("sets.parameterChart")}</label>{" "}
            <select id="chart-parameter">
              {numericParameters.map((p) => (
                <option value={p}>{p}</option>
              ))}
            </select>
          </figcaption>
          <div class="chart" data-set-chart="parameter" data-src={setPath(set, "/charts/parameter")} data-empty={t("sets.noChart")}></div>
        </figure>
      </div>
    </section>
  );
}

function GenerationHistory(props: { page: AppPage; set: FeatureSet; generations: GenerationSummary[] }) {
  const { t, locale } = props.page;
  const { set, generations } = props;
  return (
    <section class="card" id="generations" aria-labelledby="generations-title">
      <h2 id="generations-title">{t("generation.history")}</h2>
      {generations.length === 0 ? (
        <p class="muted">{t("generation.none")}</p>
      ) : (
        <>
          <div class="table-scroll">
            <table>
              <TableHead labels={["#", t("sets.updated"), t("sets.revision"), t("catalog.version"), t("generation.site"), "SHA-256"]} />
              <tbody>
                {generations.map((g) => (
                  <tr>
                    <td>
                      <a href={`/app/api/feature-sets/${set.id}/generations/${g.id}`}>{g.id}</a>
                    </td>
                    <td>
                      <When date={g.createdAt} locale={locale} /> · {g.createdBy}
                    </td>
                    <td>{g.setRevision}</td>
                    <td>{g.catalogVersionId}</td>
                    <td>{g.site ?? t("generation.wholeSetShort")}</td>
                    <td>
                      <code title={g.sha256}>{g.sha256.slice(0, 12)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="get" action={setPath(set, "/diff")} hx-get={setPath(set, "/diff")} hx-target="#generation-diff" hx-swap="outerHTML" class="grid-form">
            <GenerationSelect label={t("generation.from")} name="a" generations={generations} selected={generations[1]?.id} />
            <GenerationSelect label={t("generation.to")} name="b" generations={generations} selected={generations[0]?.id} />
            <button type="submit">{t("generation.compare")}</button>
          </form>
          <div id="generation-diff"></div>
        </>
      )}
    </section>
  );
}

function GenerationSelect(props: { label: string; name: string; generations: GenerationSummary[]; selected?: number }) {
  return (
    <div class="field">
      <label for={`field-${props.name}`}>{props.label}</label>
      <select id={`field-${props.name}`} name={props.name}>
        {props.generations.map((g) => (
          <option value={String(g.id)} selected={g.id === props.selected}>
            #{g.id} · r{g.setRevision} · {g.site ?? "—"}
          </option>
        ))}
      </select>
    </div>
  );
}

export function DiffResult(props: { page: AppPage; changes: { path: string; before?: unknown; after?: unknown }[]; error?: string }) {
  const { t } = props.page;
  const show = (value: unknown) => (value === undefined ? "—" : JSON.stringify(value));
  return (
    <div id="generation-diff" aria-live="polite">
      <FormError message={props.error} />
      {!props.error && props.changes.length === 0 && <p class="muted">{t("generation.same")}</p>}
      {props.changes.length > 0 && (
        <table id="diff-table">
          <TableHead labels={[t("generation.path"), t("generation.before"), t("generation.after")]} />
          <tbody>
            {props.changes.map((change) => (
              <tr>
                <td>
                  <code>{change.path}</code>
                </td>
                <td>{show(change.before)}</td>
                <td>{show(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RevisionHistory(props: { page: AppPage; view: SetView }) {
  const { t, locale } = props.page;
  const { set, revisions, editable } = props.view;
  return (
    <section class="card" id="revisions" aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t("sets.history")}</h2>
      <div class="table-scroll">
        <table>
          <TableHead labels={[t("sets.revision"), t("sets.updated"), t("sets.note"), ...(editable ? [""] : [])]} />
          <tbody>
            {revisions.map((r) => (
              <tr>
                <td>
                  <a href={setPath(set, `/revisions/${r.revision}`)}>{r.revision}</a>
                </td>
                <td>
                  <When date={r.savedAt} locale={locale} /> · {r.savedBy}
                </td>
                <td>{r.note}</td>
                {editable && <td>{r.revision !== set.revision && <RestoreButton page={props.page} set={set} revision={r.revision} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function RestoreButton(props: { page: AppPage; set: FeatureSet; revision: number }) {
  return (
    <SetWriteButton set={props.set} action="/restore" fields={{ restore: String(props.revision) }} label={props.page.t("sets.restore", { revision: props.revision })} link />
  );
}

/** A one-button form that changes the set: it names the revision the page shows, so a stale click is refused. */
function SetWriteButton(props: { set: FeatureSet; action: string; fields: Record<string, string>; label: string; ariaLabel?: string; link?: boolean }) {
  return (
    <form method="post" action={setPath(props.set, props.action)} class="inline">
      <input type="hidden" name="revision" value={String(props.set.revision)} />
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.link ? "link" : undefined} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}
