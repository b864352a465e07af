import { Field, FormError } from "./form";
import { Layout, type PageContext } from "./layout";

export interface SetupValues {
  name: string;
  displayName: string;
  addresses: string;
}

export function SetupPage(props: { page: PageContext; values: SetupValues; error?: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t("setup.title")}>
      <section class="card" id="setup">
        <h1>{t("setup.title")}</h1>
        <p>{t("setup.intro")}</p>
        <FormError message={props.error} />
        <form method="post" action="/setup">
          <Field label={t("setup.name")} name="name" value={props.values.name} required autocomplete="username" autofocus />
          <Field label={t("setup.displayName")} name="displayName" value={props.values.displayName} maxlength={100} />
          <Field label={t("setup.password")} name="password" type="password" required autocomplete="new-password" />
          <Field label={t("setup.passwordAgain")} name="passwordAgain" type="password" required autocomplete="new-password" />
          <div class="field">
            <label for="field-addresses">{t("setup.addresses")}</label>
            <textarea id="field-addresses" name="addresses" rows={4} aria-describedby="field-addresses-hint">
              {props.values.addresses}
            </textarea>
            <small class="muted" id="field-addresses-hint">
              {t("setup.addressesHint")}
            </small>
          </div>
          <button type="submit">{t("setup.submit")}</button>
        </form>
        <p class="muted">{t("setup.cliHint")}</p>
      </section>
    </Layout>
  );
}
