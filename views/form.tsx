import type { Child } from "hono/jsx";

/** A labelled input with its error, so every form field is accessible and shows what is wrong. */
export function Field(props: {
  label: string;
  name: string;
  type?: string;
  value?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  maxlength?: number;
  autofocus?: boolean;
}) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        autofocus={props.autofocus}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && (
        <small class="muted" id={`${id}-hint`}>
          {props.hint}
        </small>
      )}
      {props.error && (
        <small class="error" id={`${id}-error`} role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function FormError(props: { message?: string; children?: Child }) {
  if (!props.message) return null;
  return (
    <p class="notice bad card" role="alert" id="form-error">
      {props.message}
      {props.children}
    </p>
  );
}

export function StatusNotice(props: { message?: string }) {
  if (!props.message) return null;
  return (
    <p class="notice ok card" role="status">
      {props.message}
    </p>
  );
}

/**
 * A table's header row; an empty label leaves a column (e.g. for action buttons) untitled, as a
 * plain cell: an empty header would be announced as a column with no name.
 */
export function TableHead(props: { labels: string[] }) {
  return (
    <thead>
      <tr>{props.labels.map((label) => (label === "" ? <td /> : <th scope="col">{label}</th>))}</tr>
    </thead>
  );
}

/** A card with a title, an optional notice, and a table of rows, or a line saying there are none. */
export function TableCard(props: { id: string; title: string; message?: string; none: string; labels: string[]; rows: Child[] }) {
  return (
    <section class="card" id={props.id}>
      <h2>{props.title}</h2>
      <StatusNotice message={props.message} />
      {props.rows.length === 0 ? (
        <p class="muted">{props.none}</p>
      ) : (
        <table>
          <TableHead labels={props.labels} />
          <tbody>{props.rows}</tbody>
        </table>
      )}
    </section>
  );
}

/**
 * One button that posts to `action`: with htmx it replaces the `target` section with the answer,
 * without JavaScript it is a plain form post.
 */
export function ActionButton(props: {
  action: string;
  target: string;
  label: string;
  secondary?: boolean;
  formId?: string;
  /** Asked before anything irreversible. */
  confirm?: string;
  /** Sent with the post as hidden fields. */
  fields?: Record<string, string>;
  /** What the button acts on, for screen readers where the row says it to the eye ("alice"). */
  about?: string;
}) {
  return (
    <form
      id={props.formId}
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target={props.target}
      hx-swap="outerHTML"
      hx-confirm={props.confirm}
    >
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.secondary ? "secondary" : undefined}>
        {props.label}
        {props.about && <span class="visually-hidden"> ({props.about})</span>}
      </button>
    </form>
  );
}
