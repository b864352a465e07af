// A settings form from the console: each field is checked with its own setting's schema, then the
// whole candidate with configSchema (the rules between settings, e.g. the app ports must not hold
// the gateway port), and only then saved — all of it in one transaction, every change audited.
import * as v from "valibot";
import type { Actor } from "../audit";
import { CONSOLE_SETTING_KEYS, type ConsoleSettingKey, checkCandidate, consoleMayChange, settingSpec } from "../config";
import type { Database } from "../db/open";
import { loadTls } from "../gateway/tls";
import type { Translate } from "../i18n/messages";
import { parseRule } from "../net/ip";
import type { LiveSettings } from "./live-settings";
import { type SettingWrite, readStoredSettings, writeStoredSettings } from "./stored-settings";

/** A field's error: the setting's own "expected" text, plus a detail where there is one. */
export type SettingErrors = Partial<Record<ConsoleSettingKey, { detail?: string }>>;

export interface SettingsOutcome {
  errors: SettingErrors;
  /** What the admin typed, shown again when something was refused. */
  typed: Record<string, string>;
  changed: ConsoleSettingKey[];
}

/** The text a form field shows for a value (lists one per line, a port range as FROM-TO). */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join("\n");
  if (typeof value === "object" && "first" in value && "last" in value) return `${value.first}-${value.last}`;
  return String(value);
}

/** The raw value a field's text stands for, as a config file would hold it. */
function rawValue(key: ConsoleSettingKey, text: string): unknown {
  const spec = settingSpec(key);
  if (spec.flagKind === "repeatable") return text.split(/[\s,]+/).filter(Boolean);
  // An optional setting left blank is unset (null is stored, so it also overrides the config file).
  if (text.trim() === "" && v.is(spec.schema, undefined)) return null;
  return text.trim();
}

function auditText(key: ConsoleSettingKey, value: unknown): string {
  if (settingSpec(key).secret) return value ? "(set)" : "(none)";
  return (Array.isArray(value) ? value.join(", ") : valueText(value)) || "(none)";
}

/** Which entry of an address list is wrong, and why, in the reader's language. */
function badRuleReason(list: unknown, t: Translate): string | undefined {
  for (const entry of Array.isArray(list) ? list : []) {
    const parsed = parseRule(String(entry));
    if (!parsed.ok) return t(parsed.key, parsed.params);
  }
  return undefined;
}

export async function saveSettingsForm(
  live: LiveSettings,
  db: Database,
  fields: Record<string, string>,
  actor: Actor,
  t: Translate,
): Promise<SettingsOutcome> {
  const errors: SettingErrors = {};
  const changes: Partial<Record<ConsoleSettingKey, unknown>> = {};
  const typed: Record<string, string> = {};
  for (const key of CONSOLE_SETTING_KEYS) {
    if (!consoleMayChange(key, live.sources) || fields[key] === undefined) continue;
    const spec = settingSpec(key);
    // A secret is never shown, so a blank field keeps it; a tick in "clear" removes it.
    if (spec.secret && fields[key] === "") {
      if (fields[`${key}.clear`] === "on" && live.desired[key] !== undefined) changes[key] = null;
      continue;
    }
    if (!spec.secret) typed[key] = fields[key];
    const raw = rawValue(key, fields[key]);
    const parsed = v.safeParse(spec.schema, raw ?? undefined);
    if (!parsed.success) {
      errors[key] = { detail: key === "trustedProxies" ? badRuleReason(raw, t) : undefined };
      continue;
    }
    if (valueText(parsed.output) !== valueText(live.desired[key])) changes[key] = raw;
  }
  const changed = Object.keys(changes) as ConsoleSettingKey[];
  if (Object.keys(errors).length > 0 || changed.length === 0) return { errors, typed, changed: [] };

  const candidate = checkCandidate(live.layers, { ...live.storedValues(), ...changes });
  if (!candidate.ok) return { errors: { [candidate.key]: {} }, typed, changed: [] };
  const { tlsCert, tlsKey } = candidate.config;
  if ((changes.tlsCert !== undefined || changes.tlsKey !== undefined) && tlsCert && tlsKey) {
    try {
      loadTls(tlsCert, tlsKey);
    } catch (error) {
      return { errors: { tlsCert: { detail: (error as Error).message } }, typed, changed: [] };
    }
  }
  const writes: SettingWrite[] = changed.map((key) => ({
    key,
    value: changes[key],
    detail: `${auditText(key, live.desired[key])} → ${auditText(key, candidate.config[key])}`,
  }));
  await writeStoredSettings(db, writes, actor);
  live.replaceStored(await readStoredSettings(db.$client));
  return { errors, typed: {}, changed };
}

/** Forgets the console's value: the setting falls back to the config file or its default. */
export async function resetSetting(live: LiveSettings, db: Database, key: ConsoleSettingKey, actor: Actor): Promise<{ ok: boolean }> {
  if (!live.storedSetting(key) || !consoleMayChange(key, live.sources)) return { ok: false };
  const rest = live.storedValues();
  delete rest[key];
  const candidate = checkCandidate(live.layers, rest);
  if (!candidate.ok) return { ok: false };
  await writeStoredSettings(
    db,
    [{ key, value: undefined, remove: true, detail: `${auditText(key, live.desired[key])} → ${auditText(key, candidate.config[key])}` }],
    actor,
  );
  live.replaceStored(await readStoredSettings(db.$client));
  return { ok: true };
}
