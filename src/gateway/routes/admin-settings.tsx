// The console's Settings tab: the form (derived from SETTINGS), saving it, and forgetting a saved
// value. Behind requireAdmin(); same-origin is checked for every POST before it gets here.
import { Hono } from "hono";
import { type SettingRow, SettingsPage, SettingsSection, type SettingsView } from "../../../views/admin/settings-page";
import { CONSOLE_SETTING_KEYS, type ConsoleSettingKey, settingSpec } from "../../config";
import { formFields } from "../../http/form-body";
import type { LiveSettings } from "../../settings/live-settings";
import { type SettingErrors, resetSetting, saveSettingsForm, valueText } from "../../settings/settings-editor";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { requireAdmin } from "../identity";
import { isHtmx } from "../../http/htmx";
import { countPendingRequests } from "../pending-requests";

function inputKind(key: ConsoleSettingKey): Pick<SettingRow, "input" | "options"> {
  const spec = settingSpec(key);
  if (spec.secret) return { input: "secret" };
  if (spec.flagKind === "repeatable") return { input: "list" };
  const schema = spec.schema as { type: string; options?: unknown[] };
  return schema.type === "picklist" ? { input: "select", options: (schema.options ?? []).map(String) } : { input: "text" };
}

/** One row per setting the console may show, from the live settings and the last form's outcome. */
function settingRows(live: LiveSettings, errors: SettingErrors = {}, typed: Record<string, string> = {}): SettingRow[] {
  const pending = new Set(live.pendingRestart());
  return CONSOLE_SETTING_KEYS.map((key) => {
    const spec = settingSpec(key);
    const source = live.sources[key];
    const stored = live.storedSetting(key);
    return {
      key,
      apply: spec.console!,
      ...inputKind(key),
      text: spec.secret ? "" : (typed[key] ?? valueText(live.desired[key])),
      source,
      pinnedBy: source === "flag" ? `--${spec.flag}` : source === "environment" ? spec.env : undefined,
      saved: stored && { by: stored.updatedBy, at: stored.updatedAt },
      runningText: pending.has(key) ? valueText(live.config[key]) : undefined,
      secretSet: spec.secret ? live.desired[key] !== undefined : undefined,
      error: errors[key],
    };
  });
}

function settingsView(c: GatewayContext, outcome: Partial<SettingsView> & { errors?: SettingErrors; typed?: Record<string, string> } = {}): SettingsView {
  const { live } = c.get("services");
  const { t } = pageContext(c);
  return {
    rows: settingRows(live, outcome.errors, outcome.typed),
    pendingRestart: live.pendingRestart().map((key) => t(`setting.${key}`)),
    ignored: live.ignored.map((i) => i.reason),
    message: outcome.message,
    error: outcome.error,
  };
}

export function adminSettingsRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());
  app.use(countPendingRequests());

  app.get("/settings", (c) => c.html(<SettingsPage page={pageContext(c)} view={settingsView(c)} />));

  /**
   * The section for htmx (always 200: htmx swaps in only successful answers, and a refusal is
   * shown in place); without htmx, the page — a redirect after a success, so a reload does not post again.
   */
  const answer = (c: GatewayContext, view: SettingsView, status: 200 | 400) => {
    if (isHtmx(c)) return c.html(<SettingsSection page={pageContext(c)} view={view} />);
    if (status === 200) return c.redirect(`${c.get("services").config.adminPath}/settings`, 303);
    return c.html(<SettingsPage page={pageContext(c)} view={view} />, status);
  };

  app.post("/settings", async (c) => {
    const { live, db } = c.get("services");
    const { t } = pageContext(c);
    const outcome = await saveSettingsForm(live, db, await formFields(c), actorOf(c), t);
    if (Object.keys(outcome.errors).length > 0) {
      return answer(c, settingsView(c, { errors: outcome.errors, typed: outcome.typed, error: t("settings.invalid") }), 400);
    }
    const message = outcome.changed.length
      ? t("settings.saved", { names: outcome.changed.map((key) => t(`setting.${key}`)).join(", ") })
      : t("settings.unchanged");
    return answer(c, settingsView(c, { message }), 200);
  });

  app.post("/settings/:key/reset", async (c) => {
    const key = c.req.param("key") as ConsoleSettingKey;
    if (!CONSOLE_SETTING_KEYS.includes(key)) return c.notFound();
    const { live, db } = c.get("services");
    const { t } = pageContext(c);
    const { ok } = await resetSetting(live, db, key, actorOf(c));
    const view = ok
      ? settingsView(c, { message: t("settings.resetDone", { name: t(`setting.${key}`) }) })
      : settingsView(c, { errors: { [key]: {} }, error: t("settings.invalid") });
    return answer(c, view, ok ? 200 : 400);
  });
  return app;
}
