// The small pieces every part of the set page shares: its URLs, the one-button write form, and a
// field the server checks as it is typed.
import type { FeatureSet } from "./feature-set-store";

export const setPath = (set: FeatureSet, rest = "") => `/app/sets/${set.id}${rest}`;

/** Marks a part as one an htmx answer swaps in by its id ("out of band"). */
export const oob = (swap?: boolean) => (swap ? { "hx-swap-oob": "true" } : {});

/** htmx posts a draft edit and swaps the parts it changes; without script the form posts and the page comes back. */
export const draftEdit = (set: FeatureSet, action: string) => ({
  "hx-post": setPath(set, action),
  "hx-swap": "none",
  // The page's tab id goes along: the draft then knows this page made the change (see DraftStore.put).
  "hx-include": "#set-search-q, #set-draft-tab",
  // After the editor's own draft save (a change fires as the focus leaves it), never beside it:
  // each answer redraws the editor from the draft as stored.
  "hx-sync": "#set-editor:queue all",
});

/** A one-button form that changes the set: it names the revision the page shows, so a stale click is refused. */
export function SetWriteButton(props: { set: FeatureSet; action: string; fields: Record<string, string>; label: string; ariaLabel?: string; link?: boolean }) {
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

/** htmx checks the field as the user types: the answer is only the error text, swapped into the field's error line. */
export function validation(set: FeatureSet, field: string, trigger = "input changed delay:300ms") {
  return {
    "hx-post": `${setPath(set, "/validate")}?field=${encodeURIComponent(field)}`,
    "hx-trigger": trigger,
    "hx-params": field,
    "hx-target": "next .field-error",
    "hx-swap": "innerHTML",
    "aria-describedby": `error-${field}`,
  };
}

export function ValidatedField(props: { set: FeatureSet; field: string; label: string; hint?: string; error?: string; changed?: boolean; defaultText?: string; children: unknown }) {
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

