// The set's sites in the editor: a grid of sites × overridden parameters (each cell checked as it
// is typed, an empty cell inherits; "+ site" and "+ column" redraw the grid in place with what was
// typed), or the power-user text view with one "FEATURE.parameter = value" line per override.
// Sites whose lines the grid cannot show (a line that is not an override yet) open in the text view.
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import { ValidatedField, setPath, validation } from "./set-controls";
import { type SetForm, overrideCells } from "./set-form";
import type { SetView } from "./set-page";
import type { ResolvedFeature } from "./resolve";

export interface GridRow {
  name: string;
  cells: Record<string, string>;
}

export function SitesSection(props: { page: AppPage; view: SetView; example: string }) {
  const { t } = props.page;
  const { set, form, editable } = props.view;
  const sites = editable ? [...form.sites, { name: "", overrides: "" }] : form.sites;
  const rows = gridRows(sites);
  const grid = props.view.sitesView !== "text" && rows !== undefined;
  return (
    <div id="set-sites">
      <h2>{t("sets.sites")}</h2>
      <p class="muted">
        {grid ? t("sets.gridHint") : t("sets.sitesHint")}{" "}
        <a href={`${setPath(set, grid ? "?sites=text" : "?sites=grid")}#set-sites`} id="sites-view-switch">
          {grid ? t("sets.textView") : t("sets.gridView")}
        </a>
      </p>
      {grid ? (
        <SitesGrid page={props.page} set={set} rows={rows} columns={gridColumns(rows)} errors={props.view.errors} editable={editable} example={props.example} />
      ) : (
        <SitesText page={props.page} set={set} sites={sites} errors={props.view.errors} example={props.example} />
      )}
    </div>
  );
}

/** The sites as grid rows, or undefined when a site has a line the grid cannot show. */
export function gridRows(sites: SetForm["sites"]): GridRow[] | undefined {
  const rows = sites.map((site) => ({ name: site.name, cells: overrideCells(site.overrides) }));
  return rows.every((row) => row.cells !== undefined) ? (rows as GridRow[]) : undefined;
}

export const gridColumns = (rows: GridRow[], extra: string[] = []) => [...new Set([...rows.flatMap((row) => Object.keys(row.cells)), ...extra])].sort();

export function SitesGrid(props: { page: AppPage; set: FeatureSet; rows: GridRow[]; columns: string[]; errors: Record<string, string>; editable: boolean; example: string; problem?: string }) {
  const { t } = props.page;
  const { set, rows, columns, errors } = props;
  const redraw = (add: string) => ({ "hx-post": setPath(set, `/sites/grid?add=${add}`), "hx-target": "#sites-grid", "hx-swap": "outerHTML", "hx-sync": "closest form:queue all" });
  return (
    <div id="sites-grid">
      <input type="hidden" name="grid-columns" value={columns.join(",")} />
      <div class="table-scroll">
        <table class="sites-grid">
          <thead>
            <tr>
              <th>{t("sets.siteName")}</th>
              {columns.map((column) => (
                <th>
                  <code>{column}</code>
                </th>
              ))}
              {props.editable && <th>{t("sets.removeSite")}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr id={`site-row-${i}`}>
                <td>
                  <input id={`field-site-name-${i}`} name={`site-name-${i}`} value={row.name} maxlength={64} aria-label={t("sets.siteRow", { row: i + 1 })} {...validation(set, `site-name-${i}`)} />
                  <small class="error field-error" id={`error-site-name-${i}`} aria-live="polite">
                    {errors[`site-name-${i}`] ?? errors[`site-overrides-${i}`]}
                  </small>
                </td>
                {columns.map((column) => {
                  const field = `site-cell-${i}-${column}`;
                  return (
                    <td>
                      <input id={`field-${field}`} name={field} value={row.cells[column] ?? ""} size={8} aria-label={`${column} · ${row.name || t("sets.siteRow", { row: i + 1 })}`} {...validation(set, field)} />
                      <small class="error field-error" id={`error-${field}`} aria-live="polite"></small>
                    </td>
                  );
                })}
                {props.editable && (
                  <td>
                    <input type="checkbox" name={`site-remove-${i}`} value="yes" aria-label={t("sets.removeSiteRow", { row: i + 1 })} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.editable && (
        <div class="grid-form">
          <button type="button" class="secondary" id="sites-add-row" {...redraw("row")}>
            {t("sets.addSite")}
          </button>
          <div class="field">
            <label for="sites-new-column">{t("sets.addColumn")}</label>
            <input id="sites-new-column" name="grid-column" placeholder={props.example.split(" = ")[0]} maxlength={120} />
            <small class="error" id="sites-grid-problem" aria-live="polite">
              {props.problem}
            </small>
          </div>
          <button type="button" class="secondary" id="sites-add-column" {...redraw("column")}>
            {t("sets.addColumnButton")}
          </button>
        </div>
      )}
    </div>
  );
}

function SitesText(props: { page: AppPage; set: FeatureSet; sites: SetForm["sites"]; errors: Record<string, string>; example: string }) {
  const { t } = props.page;
  const { set, errors } = props;
  return (
    <div class="set-sites">
      {props.sites.map((site, i) => (
        <div class="set-site">
          <ValidatedField set={set} field={`site-name-${i}`} label={t("sets.siteName")} error={errors[`site-name-${i}`]}>
            <input id={`field-site-name-${i}`} name={`site-name-${i}`} value={site.name} maxlength={64} {...validation(set, `site-name-${i}`)} />
          </ValidatedField>
          <ValidatedField set={set} field={`site-overrides-${i}`} label={t("sets.overrides")} error={errors[`site-overrides-${i}`]}>
            <textarea id={`field-site-overrides-${i}`} name={`site-overrides-${i}`} rows={3} placeholder={props.example} {...validation(set, `site-overrides-${i}`)}>
              {site.overrides}
            </textarea>
          </ValidatedField>
        </div>
      ))}
    </div>
  );
}

/** An override line for the placeholder, from a parameter this set really has (not the demo catalog's ids). */
export function overrideExample(features: ResolvedFeature[]): string {
  const first = features[0];
  const parameter = first?.feature?.parameters[0];
  return first && parameter ? `${first.id}.${parameter.name} = ${String(parameter.default)}` : "FEATURE.parameter = value";
}
