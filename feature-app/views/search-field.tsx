// The catalog's search box, on the catalog page and in a feature set's "add features": a label
// with htmx's loading indicator beside it (its id is the form's hx-indicator).
import type { AppPage } from "./app-layout";

export function SearchField(props: { page: AppPage; id: string; indicatorId: string; value: string; class?: string }) {
  const { t } = props.page;
  return (
    <div class={props.class ? `field ${props.class}` : "field"}>
      <label for={props.id}>
        {t("catalog.search")}{" "}
        <span id={props.indicatorId} class="htmx-indicator muted" aria-hidden="true">
          {t("common.loading")}
        </span>
      </label>
      <input id={props.id} name="q" type="search" value={props.value} placeholder={t("catalog.searchHint")} maxlength={200} autocomplete="off" />
    </div>
  );
}
