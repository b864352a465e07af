// The small pieces every part of the set page shares: its URLs and the one-button write form.
import type { FeatureSet } from "./feature-set-store";

export const setPath = (set: FeatureSet, rest = "") => `/app/sets/${set.id}${rest}`;

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
