// The set's form: its name, a value input per parameter (checked by the server as it is typed,
// through htmx) and the sites with their override lines, then the note and "Save". Every change
// is posted (htmx) to the owner's draft; "Save" makes the draft one revision. Disabled for readers
// who don't own the set.
import type { Parameter } from "../catalog/feature-schema";
import { Field } from "../../views/form";
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import { ValidatedField, oob, setPath, validation } from "./set-controls";
import { SitesSection, overrideExample } from "./sites-grid";
import { valueField } from "./set-form";
import { MAX_NOTE } from "./revision-note";
import type { SetView } from "./set-page";

export function SetEditor(props: { page: AppPage; view: SetView; swap?: boolean }) {
  const { t } = props.page;
  const { set, form, errors, editable, featurePage } = props.view;
  // Only the features on this page get inputs; the others' values are kept as they are.
  const withParameters = featurePage.features.filter((f) => (f.feature?.parameters.length ?? 0) > 0);
  const example = overrideExample(withParameters);
  // Every change is posted, in order: a later field's change must not drop an earlier one still queued.
  const draft = editable ? { "hx-post": setPath(set, "/draft"), "hx-trigger": "change", "hx-swap": "none", "hx-sync": "this:queue all" } : {};
  return (
    <form method="post" action={setPath(set, "/save")} class="card" id="set-editor" {...draft} {...oob(props.swap)}>
      <input type="hidden" name="revision" value={String(props.view.baseRevision)} />
      {editable && (
        <>
          <DraftEdition view={props.view} />
          <input type="hidden" name="draftTab" id="set-draft-tab" value={props.view.tab} />
        </>
      )}
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
        <SitesSection page={props.page} view={props.view} example={example} />
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

/** The draft edition the editor shows, posted with each edit and the save (see DraftStore.put). */
export function DraftEdition(props: { view: SetView; swap?: boolean }) {
  return <input type="hidden" name="draftEdition" id="set-draft-edition" value={String(props.view.draft?.edition ?? 0)} {...oob(props.swap)} />;
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
