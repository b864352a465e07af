// The impact of a new catalog version on the team's feature sets, shown before it is written (an
// import's check, "make version N current"), with the confirmation that going ahead needs.
import type { AppTranslate } from "../messages";
import { type CatalogImpact, hasImpact } from "./catalog-impact";

export function ImpactReport(props: { t: AppTranslate; impact: CatalogImpact }) {
  const { t, impact } = props;
  if (!hasImpact(impact)) {
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

/** The box a form needs ticked when the change affects others' sets; nothing otherwise. */
export function ImpactConfirm(props: { t: AppTranslate; impact?: CatalogImpact }) {
  if (!props.impact || !hasImpact(props.impact)) return null;
  return (
    <label class="confirm">
      <input type="checkbox" name="confirm" value="yes" id="impact-confirm" required /> {props.t("impact.confirm")}
    </label>
  );
}
