// The set's form: its name, a value input per parameter (checked by the server as it is typed,
// through htmx) and the sites with their override lines, then the note and "Save". Every change
// is posted (htmx) to the owner's draft; "Save" makes the draft one revision. Disabled for readers
// who don't own the set.
import type { Parameter } from "../catalog/feature-schema";
import { Field } from "../../views/form";
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import { setPath } from "./set-controls";
import { valueField } from "./set-form";
import { MAX_NOTE } from "./revision-note";
import type { SetView } from "./set-page";

export function SetEditor(props: { page: AppPage; view: SetView; swap?: boolean }) {
  const { t } = props.page;
  const { set, form, errors, editable, featurePage } = props.view;
  // Only the features on this page get inputs; the others' values are kept as they are.
  const withParameters = featurePage.features.filter((f) => (f.feature?.parameters.length ?? 0) > 0);
  const sites = editable ? [...form.sites, { name: "", overrides: "" }] : form.sites;
  const example = overrideExample(withParameters);
  const draft = editable ? { "hx-post": setPath(set, "/draft"), "hx-trigger": "change", "hx-swap": "none" } : {};
  return (
    <form method="post" action={setPath(set, "/save")} class="card" id="set-editor" {...draft} {...(props.swap ? { "hx-swap-oob": "true" } : {})}>
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
              <ValueInput
                set={set}
                featureId={id}
                parameter={parameter}
                text={form.values[valueField(id, parameter.name)] ?? ""}
                error={errors[valueField(id, parameter.name)]}
                defaultLabel={t("sets.catalogDefault", { value: String(parameter.default) })}
              />
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
                <textarea id={`field-site-overrides-${i}`} name={`site-overrides-${i}`} rows={3} placeholder={example} {...validation(set, `site-overrides-${i}`)}>
                  {site.overrides}
                </textarea>
              </ValidatedField>
            </div>
          ))}
        </div>
        {editable && (
          <>
            <Field label={t("sets.noteLabel")} name="note" value={props.view.note ?? ""} error={errors.note} maxlength={MAX_NOTE} hint={t("sets.notePlaceholder")} />
            <button type="submit" id="set-save">
              {t("sets.saveRevision", { revision: set.revision + 1 })}
            </button>
          </>
        )}
      </fieldset>
    </form>
  );
}

/** An override line for the placeholder, from a parameter this set really has (not the demo catalog's ids). */
function overrideExample(features: SetView["resolution"]["features"]): string {
  const first = features[0];
  const parameter = first?.feature?.parameters[0];
  return first && parameter ? `${first.id}.${parameter.name} = ${String(parameter.default)}` : "FEATURE.parameter = value";
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

function ValidatedField(props: { set: FeatureSet; field: string; label: string; hint?: string; error?: string; changed?: boolean; defaultText?: string; children: unknown }) {
  return (
    <div class={props.changed ? "field changed" : "field"}>
      <label for={`field-${props.field}`}>
        {props.label}
        {props.hint && <span class="muted"> ({props.hint})</span>}
      </label>
      {props.children}
      {props.defaultText && <small class="default">{props.defaultText}</small>}
      <small class="error field-error" id={`error-${props.field}`} aria-live="polite">
        {props.error}
      </small>
    </div>
  );
}

function ValueInput(props: { set: FeatureSet; featureId: string; parameter: Parameter; text: string; error?: string; defaultLabel: string }) {
  const { set, parameter, text } = props;
  const field = valueField(props.featureId, parameter.name);
  const hint =
    parameter.type === "int" || parameter.type === "float"
      ? `${parameter.type} ${parameter.min}..${parameter.max}${parameter.unit ? ` ${parameter.unit}` : ""}`
      : parameter.type === "string"
        ? `text ≤ ${parameter.maxLength}`
        : parameter.type;
  const choices = parameter.type === "bool" ? ["true", "false"] : parameter.type === "enum" ? parameter.allowed : undefined;
  const changed = text !== String(parameter.default);
  return (
    <ValidatedField set={set} field={field} label={parameter.name} hint={hint} error={props.error} changed={changed} defaultText={changed ? props.defaultLabel : undefined}>
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
