// What the set page says after its owner pressed "Generate and keep": the export was kept, as
// which number, of what and from which revision, with its file to download. The button's POST
// answers with a redirect here instead of the file, so the page itself shows what happened (the
// generations list gains the export, marked) and a reload or the back button keeps nothing more.
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import type { GenerationSummary } from "./generation-store";
import { keptName } from "./set-export";

export interface KeptExport {
  /** The export's generations, oldest first: one document, or one per site. */
  generations: GenerationSummary[];
  /** Kept as every site's zip (also when the set had one site). */
  zip: boolean;
}

/** The query that brings the set page back showing this export: `?kept=ID`, `&zip` for a zip. */
export const keptQuery = (first: { id: number }, zip: boolean) => `?kept=${first.id}${zip ? "&zip" : ""}`;

export function KeptNotice(props: { page: AppPage; set: FeatureSet; kept: KeptExport }) {
  const { t } = props.page;
  const { generations, zip } = props.kept;
  const first = generations[0]!;
  const last = generations.at(-1)!;
  const id = first.id === last.id ? String(first.id) : `${first.id}–${last.id}`;
  const revision = first.setRevision;
  const message = zip
    ? t("generation.keptSites", { id, revision, count: generations.length })
    : first.site === null
      ? t("generation.keptSet", { id, revision })
      : t("generation.keptSite", { id, revision, site: first.site });
  const file = keptName(generations, zip);
  const href = `/app/api/feature-sets/${props.set.id}/generations/${first.id}${zip ? "?zip" : ""}`;
  // Focused when the page opens (and so scrolled to): a keyboard or screen-reader user starts here.
  return (
    <div class="notice ok card" role="status" id="kept-export" tabindex={-1} autofocus>
      <p>{message}</p>
      <p>
        <a href={href} download={file} id="kept-export-download">
          {t("generation.keptDownload", { file })}
        </a>
      </p>
    </div>
  );
}
