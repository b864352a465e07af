// The impact of a new catalog version, shown before it is written (an import's check, "make
// version N current"): what it does to the current catalog, which it replaces for everyone, and to
// the team's feature sets, with the confirmation that going ahead needs.
import type { AppTranslate } from "../messages";
import { type CatalogImpact, type Confirmation, type CurrentCatalogChange, affectsSets, removesFeatures } from "./catalog-impact";

/** The removed features listed on the page; the API's answer and Versions → Compare have them all. */
const REMOVED_SHOWN = 1000;

/** `source`: the version made current again; absent for an import (the file). */
export function ImpactReport(props: { t: AppTranslate; impact: CatalogImpact; source?: number }) {
  const { t, impact } = props;
  return (
    <>
      {impact.current && <CurrentChange t={t} current={impact.current} source={props.source} />}
      <SetsImpact t={t} impact={impact} />
    </>
  );
}

function CurrentChange(props: { t: AppTranslate; current: CurrentCatalogChange; source?: number }) {
  const { t, current } = props;
  const counts = { version: current.version, features: current.features, incoming: current.incoming, removed: current.removed.length, added: current.added, changed: current.changed };
  const removes = current.removed.length > 0;
  return (
    <section class={`card notice ${removes ? "warn" : "info"}`} id="impact-current" aria-labelledby="impact-current-title">
      <h2 id="impact-current-title">{t("impact.currentTitle")}</h2>
      <p id="impact-current-summary">
        {props.source === undefined ? t("impact.currentFile", counts) : t("impact.currentVersion", { ...counts, source: props.source })}
      </p>
      <p>{t("impact.becomesCurrent", { version: current.version })}</p>
      {removes && (
        <details id="impact-removed">
          <summary>{t("impact.removedList", { count: current.removed.length })}</summary>
          <ul>
            {current.removed.slice(0, REMOVED_SHOWN).map((feature) => (
              <li>
                <span class="mono">{feature.id}</span> {feature.name}
              </li>
            ))}
          </ul>
          {current.removed.length > REMOVED_SHOWN && <p class="muted">{t("impact.removedCut", { shown: REMOVED_SHOWN, count: current.removed.length })}</p>}
        </details>
      )}
    </section>
  );
}

function SetsImpact(props: { t: AppTranslate; impact: CatalogImpact }) {
  const { t, impact } = props;
  if (!affectsSets(impact)) {
    return (
      <p class="notice ok card" id="impact-none">
        {t("impact.none")}
      </p>
    );
  }
  const setsDropping = impact.sets.filter((s) => s.dropped.length > 0).length;
  return (
    <section class="card notice warn" id="impact" aria-labelledby="impact-title">
      <h2 id="impact-title">{t("impact.title")}</h2>
      <p id="impact-summary">
        {t("impact.summary", { dropped: impact.dropped.length, sets: setsDropping, owners: impact.owners.join(", "), changed: impact.changed.length })}
      </p>
      <p id="impact-pinned">{t("impact.pinned")}</p>
      <div class="table-scroll">
        <table id="impact-sets">
          <thead>
            <tr>
              <th scope="col">{t("impact.set")}</th>
              <th scope="col">{t("impact.owner")}</th>
              <th scope="col">{t("impact.dropped")}</th>
              <th scope="col">{t("impact.changed")}</th>
            </tr>
          </thead>
          <tbody>
            {impact.sets.map((set) => (
              <tr>
                <td>{set.name}</td>
                <td>{set.owner}</td>
                <td class="mono">{set.dropped.join("; ")}</td>
                <td class="mono">{set.changed.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The box's label and the refusal without it, by what needs confirming. */
const CONFIRM_TEXT = {
  sets: { label: "impact.confirm", refused: "impact.confirmFirst" },
  removed: { label: "impact.confirmRemoved", refused: "impact.confirmRemovedFirst" },
  both: { label: "impact.confirmBoth", refused: "impact.confirmBothFirst" },
} as const;

function confirmText(impact: CatalogImpact) {
  const removes = removesFeatures(impact);
  const sets = affectsSets(impact);
  if (!removes && !sets) return undefined;
  return CONFIRM_TEXT[removes && sets ? "both" : removes ? "removed" : "sets"];
}

/** Why nothing was written: what the confirmation is about, and that it needs ticking. */
/** The confirmation a page's form carries: its box, and the current version the page showed. */
export function postedConfirmation(body: Record<string, unknown>): Confirmation {
  const against = Number(body.confirmedAgainst);
  return { given: body.confirm === "yes", against: Number.isSafeInteger(against) && against > 0 ? against : undefined };
}

/** Why a page's write was not made: the box was not ticked, or it was ticked for a catalog that is no longer the current one. */
export function refusalMessage(t: AppTranslate, impact: CatalogImpact, confirmation: Confirmation): string {
  return confirmation.given ? t("impact.moved", { version: impact.current?.version ?? 0 }) : confirmFirst(t, impact);
}

function confirmFirst(t: AppTranslate, impact: CatalogImpact): string {
  return t(confirmText(impact)?.refused ?? "impact.confirmFirst", { removed: impact.current?.removed.length ?? 0 });
}

/**
 * The box a form needs ticked when the change removes features or affects others' sets; nothing
 * otherwise. It goes with the current version this page was worked out against (see confirmationHolds).
 */
export function ImpactConfirm(props: { t: AppTranslate; impact?: CatalogImpact }) {
  const text = props.impact && confirmText(props.impact);
  if (!props.impact || !text) return null;
  const current = props.impact.current?.version;
  return (
    <label class="confirm">
      <input type="checkbox" name="confirm" value="yes" id="impact-confirm" required /> {props.t(text.label, { removed: props.impact.current?.removed.length ?? 0 })}
      {current !== undefined && <input type="hidden" name="confirmedAgainst" value={String(current)} />}
    </label>
  );
}
