// The Settings tab: one form built from SETTINGS (src/config.ts), in two parts — what takes
// effect at once and what needs a restart — each field saying where its value comes from.
import type { ConsoleSettingKey, Source } from "../../src/config";
import { formatDateTime } from "../../src/i18n/format";
import type { MessageKey } from "../../src/i18n/messages";
import { FormError, StatusNotice } from "../form";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";

// Every setting the console shows has a label and an "expected" text in both languages.
type Labelled = `setting.${ConsoleSettingKey}` | `setting.${ConsoleSettingKey}.expected`;
const labelled: Labelled extends MessageKey ? true : never = true;
void labelled;

export interface SettingRow {
  key: ConsoleSettingKey;
  apply: "live" | "restart";
  input: "text" | "list" | "select" | "secret";
  options?: string[];
  /** The field's text: the wanted value, or what the admin typed when the form was refused. */
  text: string;
  source: Source;
  /** The flag or environment variable that pins it. */
  pinnedBy?: string;
  saved?: { by: string; at: Date };
  /** The value still in use while a restart is pending. */
  runningText?: string;
  secretSet?: boolean;
  error?: { detail?: string };
}

function SourceNote(props: { page: PageContext; row: SettingRow }) {
  const { t, locale } = props.page;
  const { row } = props;
  if (row.source === "flag") return <>{t("settings.source.flag", { name: row.pinnedBy ?? "" })}</>;
  if (row.source === "environment") return <>{t("settings.source.environment", { name: row.pinnedBy ?? "" })}</>;
  if (row.source === "console" && row.saved) {
    return <>{t("settings.source.console", { name: row.saved.by, when: formatDateTime(row.saved.at, locale) })}</>;
  }
  return <>{t(row.source === "config file" ? "settings.source.configFile" : "settings.source.default")}</>;
}

function SettingInput(props: { row: SettingRow; id: string; describedBy: string; disabled: boolean }) {
  const { row, id } = props;
  const common = {
    id,
    name: row.key,
    disabled: props.disabled,
    "aria-invalid": row.error ? "true" : undefined,
    "aria-describedby": props.describedBy,
  };
  if (row.input === "list") return <textarea {...common} rows={3}>{row.text}</textarea>;
  if (row.input === "select") {
    return (
      <select {...common}>
        {(row.options ?? []).map((option) => (
          <option value={option} selected={option === row.text}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  if (row.input === "secret") return <input {...common} type="password" value="" autocomplete="off" />;
  return <input {...common} type="text" value={row.text} />;
}

function SettingField(props: { page: PageContext; row: SettingRow }) {
  const { t } = props.page;
  const { row } = props;
  const id = `setting-${row.key}`;
  const pinned = row.source === "flag" || row.source === "environment";
  const describedBy = [`${id}-hint`, row.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field" id={`${id}-field`}>
      <label for={id}>{t(`setting.${row.key}`)}</label>
      <SettingInput row={row} id={id} describedBy={describedBy} disabled={pinned} />
      {row.input === "secret" && !pinned && (
        <>
          <small class="muted">{t(row.secretSet ? "settings.secretSet" : "settings.secretUnset")}</small>
          {row.secretSet && (
            <label>
              <input type="checkbox" name={`${row.key}.clear`} /> {t("settings.secretClear")}
            </label>
          )}
        </>
      )}
      <small class="muted" id={`${id}-hint`}>
        {t(`setting.${row.key}.expected`)} <SourceNote page={props.page} row={row} />
        {row.runningText !== undefined && <> {t("settings.runningWith", { value: row.runningText || t("settings.none") })}</>}
      </small>
      {row.error && (
        <small class="error" id={`${id}-error`} role="alert">
          {t(`setting.${row.key}.expected`)}
          {row.error.detail && ` (${row.error.detail})`}
        </small>
      )}
      {/* Its own form (after the settings form), so Enter in a field still saves rather than resets. */}
      {row.source === "console" && (
        <button type="submit" class="secondary" form={`reset-${row.key}`}>
          {t("settings.reset")}
        </button>
      )}
    </div>
  );
}

/** Saved settings that wait for a restart; shown on the Settings tab and the dashboard. */
export function RestartPendingNotice(props: { page: PageContext; names: string[]; linkToSettings?: boolean }) {
  if (props.names.length === 0) return null;
  const { t, adminPath } = props.page;
  return (
    <p class="notice warn card" role="status" id="restart-pending">
      {t("settings.restartPending", { names: props.names.join(", ") })}
      {props.linkToSettings && (
        <>
          {" "}
          <a href={`${adminPath}/settings`}>{t("console.settings")}</a>
        </>
      )}
    </p>
  );
}

export interface SettingsView {
  rows: SettingRow[];
  /** Labels of restart settings changed since the start. */
  pendingRestart: string[];
  ignored: string[];
  message?: string;
  error?: string;
}

export function SettingsSection(props: { page: PageContext; view: SettingsView }) {
  const { t, adminPath } = props.page;
  const { view } = props;
  const part = (apply: SettingRow["apply"]) => (
    <fieldset>
      <legend>{t(apply === "live" ? "settings.live" : "settings.restart")}</legend>
      {view.rows
        .filter((row) => row.apply === apply)
        .map((row) => (
          <SettingField page={props.page} row={row} />
        ))}
    </fieldset>
  );
  return (
    <section class="card" id="settings">
      <p class="muted">{t("settings.intro")}</p>
      <StatusNotice message={view.message} />
      <FormError message={view.error} />
      <RestartPendingNotice page={props.page} names={view.pendingRestart} />
      {view.ignored.map((reason) => (
        <p class="notice warn card">{t("settings.ignored", { reason })}</p>
      ))}
      <form method="post" action={`${adminPath}/settings`} hx-post={`${adminPath}/settings`} hx-target="#settings" hx-swap="outerHTML">
        {part("live")}
        {part("restart")}
        <button type="submit">{t("settings.save")}</button>
      </form>
      {view.rows
        .filter((row) => row.source === "console")
        .map((row) => {
          const action = `${adminPath}/settings/${row.key}/reset`;
          return <form id={`reset-${row.key}`} method="post" action={action} hx-post={action} hx-target="#settings" hx-swap="outerHTML" />;
        })}
    </section>
  );
}

export function SettingsPage(props: { page: PageContext; view: SettingsView }) {
  return (
    <ConsoleLayout page={props.page} tab="settings">
      <SettingsSection page={props.page} view={props.view} />
    </ConsoleLayout>
  );
}
