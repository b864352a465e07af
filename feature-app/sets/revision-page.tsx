// One old revision of a feature set, read-only, with the button that restores it (as a new revision).
import { canonicalJson } from "../canonical-json";
import { type AppPage, AppLayout } from "../views/app-layout";
import type { FeatureSet, Revision } from "./feature-set-store";
import { RestoreButton } from "./set-history";
import { When } from "../views/when";
import { noteText } from "./revision-note";

export function RevisionPage(props: { page: AppPage; set: FeatureSet; revision: Revision; editable: boolean }) {
  const { page, set, revision } = props;
  const { t } = page;
  return (
    <AppLayout page={page} title={`${set.name} · r${revision.revision}`} section="sets">
      <p>
        <a href={`/app/sets/${set.id}`}>← {set.name}</a>
      </p>
      <h1>{t("sets.revisionTitle", { name: revision.name, revision: revision.revision })}</h1>
      <p class="muted">
        <When date={revision.savedAt} locale={page.locale} /> · {revision.savedBy} · {noteText(revision.note, page.t)}
        {revision.catalogVersionId !== null && ` · ${t("catalog.version")} ${revision.catalogVersionId}`}
      </p>
      {props.editable && revision.revision !== set.revision && <RestoreButton page={page} set={set} revision={revision.revision} />}
      <h2>{t("sets.chosen")}</h2>
      <p id="revision-features">{revision.content.features.join(", ") || t("sets.noFeatures")}</p>
      <h2>{t("sets.content")}</h2>
      {/* Not a .card: the card's white would sit under pre's light text (1.2:1, unreadable). */}
      <pre class="revision-json" id="revision-content">
        {canonicalJson(revision.content, 2)}
      </pre>
    </AppLayout>
  );
}
