// One user's page in the console: their account (display name, role, addresses, whether the
// password is required) and their password (set, reset or remove), each with inline errors.
import type { UserField, UserRecord } from "../../src/users/user-store";
import { Field, FormError, StatusNotice } from "../form";
import type { PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";

export interface AccountValues {
  displayName: string;
  role: "admin" | "user";
  addresses: string;
  requirePassword: boolean;
  catalogEditor: boolean;
}

export interface UserEditorOutcome {
  message?: string;
  /** A refusal that belongs to no single field (e.g. the last administrator). */
  error?: string;
  fieldErrors?: Partial<Record<UserField | "passwordAgain", string>>;
  /** What the admin typed in the account form, kept when it was refused. */
  values?: AccountValues;
}

function AccountForm(props: { page: PageContext; user: UserRecord; outcome: UserEditorOutcome }) {
  const { t, adminPath } = props.page;
  const { user, outcome } = props;
  const errors = outcome.fieldErrors ?? {};
  const values = outcome.values ?? {
    displayName: user.displayName,
    role: user.role,
    addresses: user.ipRules.join("\n"),
    requirePassword: user.requirePassword,
    catalogEditor: user.catalogEditor,
  };
  const action = `${adminPath}/users/${user.id}/edit`;
  return (
    <form method="post" action={action} hx-post={action} hx-target="#user-editor" hx-swap="outerHTML">
      <h2>{t("admin.user.account")}</h2>
      <Field label={t("setup.displayName")} name="displayName" value={values.displayName} maxlength={100} error={errors.displayName} />
      <div class="field">
        <label for="field-role">{t("admin.users.role")}</label>
        <select id="field-role" name="role" aria-invalid={errors.role ? "true" : undefined}>
          <option value="user" selected={values.role === "user"}>{t("role.user")}</option>
          <option value="admin" selected={values.role === "admin"}>{t("role.admin")}</option>
        </select>
        {errors.role && <small class="error" role="alert">{errors.role}</small>}
      </div>
      <div class="field">
        <label for="field-addresses">{t("admin.user.addresses")}</label>
        <textarea
          id="field-addresses"
          name="addresses"
          rows={3}
          aria-invalid={errors.addresses ? "true" : undefined}
          aria-describedby={errors.addresses ? "field-addresses-error" : undefined}
        >
          {values.addresses}
        </textarea>
        {errors.addresses && (
          <small class="error" id="field-addresses-error" role="alert">
            {errors.addresses}
          </small>
        )}
      </div>
      <div class="field">
        <label>
          <input type="checkbox" name="requirePassword" checked={values.requirePassword} /> {t("admin.user.requirePassword")}
        </label>
        {errors.requirePassword && (
          <small class="error" id="field-requirePassword-error" role="alert">
            {errors.requirePassword}
          </small>
        )}
      </div>
      <div class="field">
        <label>
          <input type="checkbox" name="catalogEditor" checked={values.catalogEditor} /> {t("admin.user.catalogEditor")}
        </label>
      </div>
      <button type="submit">{t("admin.user.save")}</button>
    </form>
  );
}

function PasswordForm(props: { page: PageContext; user: UserRecord; outcome: UserEditorOutcome }) {
  const { t, adminPath } = props.page;
  const { user } = props;
  const errors = props.outcome.fieldErrors ?? {};
  const action = `${adminPath}/users/${user.id}/password`;
  const clear = `${adminPath}/users/${user.id}/password/clear`;
  return (
    <>
      <form method="post" action={action} hx-post={action} hx-target="#user-editor" hx-swap="outerHTML">
        <h2>{t("admin.user.password")}</h2>
        <p class="muted" id="password-state">
          {t(user.hasPassword ? "admin.user.hasPassword" : "admin.user.noPassword", { name: user.name })}
        </p>
        <Field label={t("admin.user.newPassword")} name="password" type="password" autocomplete="new-password" required error={errors.password} />
        <Field
          label={t("admin.user.newPasswordAgain")}
          name="passwordAgain"
          type="password"
          autocomplete="new-password"
          required
          error={errors.passwordAgain}
        />
        <button type="submit">{t("admin.user.setPassword")}</button>
      </form>
      {user.hasPassword && (
        <form method="post" action={clear} hx-post={clear} hx-target="#user-editor" hx-swap="outerHTML" hx-confirm={t("admin.user.clearConfirm", { name: user.name })}>
          <button type="submit" class="secondary">
            {t("admin.user.clearPassword")}
          </button>
        </form>
      )}
    </>
  );
}

/** Both forms together: the htmx answer to any of their actions, since one can change the other. */
export function UserEditor(props: { page: PageContext; user: UserRecord; outcome?: UserEditorOutcome }) {
  const outcome = props.outcome ?? {};
  return (
    <div id="user-editor">
      <StatusNotice message={outcome.message} />
      <FormError message={outcome.error} />
      <section class="card">
        <AccountForm page={props.page} user={props.user} outcome={outcome} />
      </section>
      <section class="card">
        <PasswordForm page={props.page} user={props.user} outcome={outcome} />
      </section>
    </div>
  );
}

export function UserPage(props: { page: PageContext; user: UserRecord; outcome?: UserEditorOutcome }) {
  const { t, adminPath } = props.page;
  return (
    <ConsoleLayout page={props.page} tab="access">
      <p>
        <a href={`${adminPath}/access`}>{t("admin.user.back")}</a>
      </p>
      <h2>{t("admin.user.title", { name: props.user.name })}</h2>
      <UserEditor page={props.page} user={props.user} outcome={props.outcome} />
    </ConsoleLayout>
  );
}
