// The feature sets page: a form to start a new set, the reader's own sets and everyone else's
// (which they may open, view and clone).
import { Field, FormError, TableHead } from "../../views/form";
import { type AppPage, AppLayout } from "../views/app-layout";
import { When } from "../views/when";
import type { FeatureSet } from "./feature-set-store";
import { IdempotencyField } from "../views/idempotency-field";

export function SetsListPage(props: { page: AppPage; sets: FeatureSet[]; drafts?: Set<number>; currentCatalogVersion?: number; name?: string; error?: string }) {
  const { page } = props;
  const { t } = page;
  const user = page.assignment.user;
  const mine = props.sets.filter((s) => s.owner === user);
  const others = props.sets.filter((s) => s.owner !== user);
  return (
    <AppLayout page={page} title={t("sets.title")} section="sets">
      <h1>{t("sets.title")}</h1>
      <form method="post" action="/app/sets" class="card grid-form" id="create-set">
        <IdempotencyField />
        <Field label={t("sets.newName")} name="name" value={props.name} error={props.error} maxlength={100} required />
        <button type="submit">{t("sets.create")}</button>
      </form>
      <h2>{t("sets.mine")}</h2>
      <SetTable page={page} sets={mine} id="my-sets" drafts={props.drafts} current={props.currentCatalogVersion} />
      <h2>{t("sets.others")}</h2>
      <SetTable page={page} sets={others} id="other-sets" current={props.currentCatalogVersion} showOwner />
    </AppLayout>
  );
}

function SetTable(props: { page: AppPage; sets: FeatureSet[]; id: string; current?: number; showOwner?: boolean; drafts?: Set<number> }) {
  const { t, locale } = props.page;
  if (props.sets.length === 0) return <p class="card muted">{t("sets.none")}</p>;
  return (
    <div class="table-scroll">
      <table id={props.id}>
        <TableHead labels={[t("catalog.name"), ...(props.showOwner ? [t("sets.owner")] : []), t("sets.chosen"), t("sets.sites"), t("catalog.version"), t("sets.revision"), t("sets.updated")]} />
        <tbody>
          {props.sets.map((set) => (
            <tr>
              <td>
                <a href={`/app/sets/${set.id}`}>{set.name}</a>
                {props.drafts?.has(set.id) && (
                  <>
                    {" "}
                    <span class="badge status-deprecated">{t("sets.draftBadge")}</span>
                  </>
                )}
              </td>
              {props.showOwner && <td>{set.owner}</td>}
              <td>{set.content.features.length}</td>
              <td>{set.content.sites.length}</td>
              <td>
                <CatalogVersion page={props.page} builtOn={set.catalogVersionId} current={props.current} />
              </td>
              <td>{set.revision}</td>
              <td>
                <When date={set.updatedAt} locale={locale} /> · {set.updatedBy}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The version a set is built on, and whether a newer one is current (its owner may upgrade). */
function CatalogVersion(props: { page: AppPage; builtOn: number | null; current?: number }) {
  if (props.builtOn === null) return <>—</>;
  // Only a newer current version overtakes the set: an older one made current again leaves it ahead.
  if (props.current === undefined || props.current <= props.builtOn) return <>{props.builtOn}</>;
  return (
    <>
      {props.builtOn} <span class="badge status-deprecated">{props.page.t("sets.list.behind", { current: props.current })}</span>
    </>
  );
}

export function Errors(props: { messages: string[]; id?: string }) {
  if (props.messages.length === 0) return null;
  return (
    <FormError message={props.messages.length === 1 ? props.messages[0] : undefined}>
      {props.messages.length > 1 && (
        <ul id={props.id}>
          {props.messages.map((m) => (
            <li>{m}</li>
          ))}
        </ul>
      )}
    </FormError>
  );
}
