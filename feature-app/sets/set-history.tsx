// The set page's histories: generated documents (with the diff of any two) and revisions (each
// viewable, and restorable as a new revision).
import { FormError, TableHead } from "../../views/form";
import type { AppPage } from "../views/app-layout";
import type { FeatureSet } from "./feature-set-store";
import type { GenerationSummary } from "./generation-store";
import { SetWriteButton, setPath } from "./set-controls";
import type { SetView } from "./set-page";
import { When } from "../views/when";
import { noteText } from "./revision-note";
import type { RevisionDiff } from "./revision-diff";
import { type KeptExport, KeptNotice } from "./kept-export";

/** `kept`: the export just kept on this page, announced above the list and marked in it. */
export function GenerationHistory(props: { page: AppPage; set: FeatureSet; generations: GenerationSummary[]; editable: boolean; kept?: KeptExport }) {
  const { t, locale } = props.page;
  const { set, generations, editable, kept } = props;
  const keptBatch = kept?.generations[0]?.batch;
  return (
    <section class="card" id="generations" aria-labelledby="generations-title">
      <h2 id="generations-title">{t("generation.history")}</h2>
      {kept && <KeptNotice page={props.page} set={set} kept={kept} />}
      {generations.length === 0 ? (
        <p class="muted">{t("generation.none")}</p>
      ) : (
        <>
          <div class="table-scroll">
            <table>
              <TableHead labels={["#", t("sets.updated"), t("sets.revision"), t("catalog.version"), t("generation.site"), "SHA-256", t("generation.pinned")]} />
              <tbody>
                {generations.map((g) => (
                  <tr id={`generation-${g.id}`} class={g.batch === keptBatch ? "kept" : undefined}>
                    <td>
                      <a href={`/app/api/feature-sets/${set.id}/generations/${g.id}`}>{g.id}</a>
                      {g.batch === keptBatch && (
                        <>
                          {" "}
                          <span class="badge status-active">{t("generation.justKept")}</span>
                        </>
                      )}
                    </td>
                    <td>
                      <When date={g.createdAt} locale={locale} /> · {g.createdBy}
                    </td>
                    <td>{g.setRevision}</td>
                    <td>{g.catalogVersionId}</td>
                    <td>{g.site ?? t("generation.wholeSetShort")}</td>
                    <td>
                      <code title={g.sha256}>{g.sha256.slice(0, 12)}</code>{" "}
                      <a href={`/app/api/feature-sets/${set.id}/generations/${g.id}?zip`} download>
                        zip
                      </a>
                    </td>
                    <td>
                      {editable ? (
                        <SetWriteButton
                          set={set}
                          action="/pin"
                          fields={{ generation: String(g.id), pinned: g.pinned ? "false" : "true" }}
                          label={g.pinned ? t("generation.unpin") : t("generation.pin")}
                          ariaLabel={t(g.pinned ? "generation.unpinOne" : "generation.pinOne", { id: g.id })}
                          link
                        />
                      ) : (
                        g.pinned && <span class="badge">{t("generation.pinned")}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="get" action={setPath(set, "/diff")} hx-get={setPath(set, "/diff")} hx-target="#generation-diff" hx-swap="outerHTML" hx-disabled-elt="find button" class="grid-form">
            <GenerationSelect label={t("generation.from")} name="a" generations={generations} selected={generations[1]?.id} />
            <GenerationSelect label={t("generation.to")} name="b" generations={generations} selected={generations[0]?.id} />
            <button type="submit">{t("generation.compare")}</button>
          </form>
          <div id="generation-diff"></div>
        </>
      )}
    </section>
  );
}

function GenerationSelect(props: { label: string; name: string; generations: GenerationSummary[]; selected?: number }) {
  return (
    <div class="field">
      <label for={`field-${props.name}`}>{props.label}</label>
      <select id={`field-${props.name}`} name={props.name}>
        {props.generations.map((g) => (
          <option value={String(g.id)} selected={g.id === props.selected}>
            #{g.id} · r{g.setRevision} · {g.site ?? "—"}
          </option>
        ))}
      </select>
    </div>
  );
}

export function DiffResult(props: { page: AppPage; changes: { path: string; before?: unknown; after?: unknown }[]; error?: string; id?: string; children?: unknown }) {
  const { t } = props.page;
  const show = (value: unknown) => (value === undefined ? "—" : JSON.stringify(value));
  return (
    <div id={props.id ?? "generation-diff"} aria-live="polite">
      {props.children}
      <FormError message={props.error} />
      {!props.error && props.changes.length === 0 && <p class="muted">{t("generation.same")}</p>}
      {props.changes.length > 0 && (
        <table class="diff-table">
          <TableHead labels={[t("generation.path"), t("generation.before"), t("generation.after")]} />
          <tbody>
            {props.changes.map((change) => (
              <tr>
                <td>
                  <code>{change.path}</code>
                </td>
                <td>{show(change.before)}</td>
                <td>{show(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function RevisionHistory(props: { page: AppPage; view: SetView }) {
  const { t, locale } = props.page;
  const { set, revisions, editable } = props.view;
  return (
    <section class="card" id="revisions" aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t("sets.history")}</h2>
      <div class="table-scroll">
        <table>
          <TableHead labels={[t("sets.revision"), t("sets.updated"), t("sets.note"), t("catalog.version"), ...(editable ? [""] : [])]} />
          <tbody>
            {revisions.map((r) => (
              <tr>
                <td>
                  <a href={setPath(set, `/revisions/${r.revision}`)}>{r.revision}</a>
                </td>
                <td>
                  <When date={r.savedAt} locale={locale} /> · {r.savedBy}
                </td>
                <td>{noteText(r.note, t)}</td>
                <td>{r.catalogVersionId ?? "—"}</td>
                {editable && <td>{r.revision !== set.revision && <RestoreButton page={props.page} set={set} revision={r.revision} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revisions.length > 1 && (
        <>
          <form method="get" action={setPath(set, "/revisions/diff")} hx-get={setPath(set, "/revisions/diff")} hx-target="#revision-diff" hx-swap="outerHTML" class="grid-form">
            <RevisionSelect label={t("generation.from")} name="a" revisions={revisions} selected={revisions[1]!.revision} />
            <RevisionSelect label={t("generation.to")} name="b" revisions={revisions} selected={revisions[0]!.revision} />
            <button type="submit">{t("generation.compare")}</button>
          </form>
          <div id="revision-diff"></div>
        </>
      )}
    </section>
  );
}

function RevisionSelect(props: { label: string; name: string; revisions: SetView["revisions"]; selected: number }) {
  return (
    <div class="field">
      <label for={`field-revision-${props.name}`}>{props.label}</label>
      <select id={`field-revision-${props.name}`} name={props.name}>
        {props.revisions.map((r) => (
          <option value={String(r.revision)} selected={r.revision === props.selected}>
            r{r.revision}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Two revisions compared: what was chosen and dropped, which sites came, went and changed, then every value that moved. */
export function RevisionDiffResult(props: { page: AppPage; diff?: RevisionDiff }) {
  const { t } = props.page;
  const { diff } = props;
  const line = (label: string, ids: string[]) =>
    ids.length > 0 && (
      <li>
        {label}: {ids.join(", ")}
      </li>
    );
  return (
    <DiffResult page={props.page} id="revision-diff" changes={diff?.changes ?? []} error={diff ? undefined : t("sets.pickTwo")}>
      {diff && (
        <ul id="revision-diff-summary">
          {line(t("sets.diff.featuresAdded"), diff.features.added)}
          {line(t("sets.diff.featuresRemoved"), diff.features.removed)}
          {line(t("sets.diff.sitesAdded"), diff.sites.added)}
          {line(t("sets.diff.sitesRemoved"), diff.sites.removed)}
          {line(t("sets.diff.sitesChanged"), diff.sites.changed)}
        </ul>
      )}
    </DiffResult>
  );
}

export function RestoreButton(props: { page: AppPage; set: FeatureSet; revision: number }) {
  return (
    <SetWriteButton set={props.set} action="/restore" fields={{ restore: String(props.revision) }} label={props.page.t("sets.restore", { revision: props.revision })} link />
  );
}
