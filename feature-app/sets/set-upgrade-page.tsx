// The set page's "built on catalog version N; version M is current" banner, and the upgrade page
// it leads to: what moving to version M does to this set, then the owner's one button that applies it.
import { canonicalJson } from "../canonical-json";
import { type AppPage, AppLayout } from "../views/app-layout";
import { SetWriteButton, setPath } from "./set-controls";
import type { FeatureSet } from "./feature-set-store";
import type { UpgradePreview } from "./set-upgrade";
import { Errors } from "./sets-list-page";

export function PinBanner(props: { page: AppPage; set: FeatureSet; builtOn: number; current?: number }) {
  const { t } = props.page;
  if (props.current === undefined || props.current === props.builtOn) return null;
  return (
    <p class="card notice warn" id="set-pin">
      {t("sets.pin.banner", { from: props.builtOn, to: props.current })} <a href={setPath(props.set, "/upgrade")}>{t("sets.pin.upgrade")}</a>
    </p>
  );
}

function Section(props: { title: string; none: string; id: string; items: string[] }) {
  return (
    <>
      <h2>{props.title}</h2>
      {props.items.length === 0 ? (
        <p class="muted" id={props.id}>
          {props.none}
        </p>
      ) : (
        <ul id={props.id}>
          {props.items.map((item) => (
            <li>{item}</li>
          ))}
        </ul>
      )}
    </>
  );
}

export function UpgradePage(props: { page: AppPage; set: FeatureSet; preview: UpgradePreview; editable: boolean; problems?: string[] }) {
  const { page, set, preview } = props;
  const { t } = page;
  const title = t("upgrade.title", { name: set.name, to: preview.to });
  return (
    <AppLayout page={page} title={title} section="sets">
      <p>
        <a href={setPath(set)}>← {set.name}</a>
      </p>
      <h1>{title}</h1>
      <Errors messages={props.problems ?? []} id="upgrade-problems" />
      {preview.from === preview.to ? (
        <p id="upgrade-none">{t("upgrade.upToDate", { to: preview.to })}</p>
      ) : (
        <>
          <p>{t("upgrade.intro", { from: preview.from, to: preview.to })}</p>
          <Section title={t("upgrade.dropped")} none={t("upgrade.droppedNone")} id="upgrade-dropped" items={preview.dropped.map((f) => `${f.id} (${f.name})`)} />
          <Section
            title={t("upgrade.changed")}
            none={t("upgrade.changedNone")}
            id="upgrade-changed"
            items={preview.changed.map((f) => `${f.id} (${f.name}): ${f.fields.join("; ")}`)}
          />
          <Section
            title={t("upgrade.misfits")}
            none={t("upgrade.misfitsNone")}
            id="upgrade-misfits"
            items={preview.misfits.map((m) => `${m.path} = ${canonicalJson(m.value)}: ${m.message}`)}
          />
          {preview.blockers.length > 0 && <Section title={t("upgrade.blockers")} none="" id="upgrade-blockers" items={preview.blockers} />}
          {props.editable ? (
            <SetWriteButton set={set} action="/upgrade" fields={{ catalogVersion: String(preview.to) }} label={t("upgrade.apply")} />
          ) : (
            <p class="muted">{t("sets.forbidden", { owner: set.owner })}</p>
          )}
        </>
      )}
    </AppLayout>
  );
}
