import { Field, FormError } from "./form";
import { Layout, type PageContext } from "./layout";

export function LoginPage(props: { page: PageContext; name: string; next: string; error?: string; notice?: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t("login.title")}>
      <section class="card narrow" id="login">
        <h1>{t("login.title")}</h1>
        {props.notice && (
          <p class="notice warn card" role="status">
            {props.notice}
          </p>
        )}
        <p class="muted">{t("login.intro")}</p>
        <FormError message={props.error} />
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <Field label={t("login.name")} name="name" value={props.name} required autocomplete="username" autofocus={!props.name} />
          <Field label={t("login.password")} name="password" type="password" required autocomplete="current-password" autofocus={!!props.name} />
          <button type="submit">{t("login.submit")}</button>
        </form>
      </section>
    </Layout>
  );
}
