import type { AccessRequest } from "../src/access/access-request-store";
import { formatDateTime } from "../src/i18n/format";
import { Field, FormError } from "./form";
import { Layout, type PageContext } from "./layout";

/** The request form and its state; also the htmx answer to a submitted request. */
export function AccessRequestForm(props: {
  page: PageContext;
  pending?: AccessRequest;
  values?: { name?: string; reason?: string };
  error?: string;
}) {
  const { t, locale } = props.page;
  const values = props.values ?? { name: props.pending?.name, reason: props.pending?.reason };
  return (
    <section class="card" id="access-request">
      <h2>{t("denied.form.title")}</h2>
      {props.pending && (
        <p class="notice ok card" id="request-sent" role="status">
          {t("denied.sent", { when: formatDateTime(props.pending.createdAt, locale) })} {t("denied.sentUpdate")}
        </p>
      )}
      <FormError message={props.error} />
      <form method="post" action="/access-request" hx-post="/access-request" hx-target="#access-request" hx-swap="outerHTML">
        <Field label={t("denied.form.name")} name="name" value={values.name} required maxlength={80} autocomplete="name" />
        <div class="field">
          <label for="field-reason">{t("denied.form.reason")}</label>
          <textarea id="field-reason" name="reason" rows={3} maxlength={500}>
            {values.reason ?? ""}
          </textarea>
        </div>
        <button type="submit">{t("denied.form.submit")}</button>
      </form>
    </section>
  );
}

export function DeniedPage(props: {
  page: PageContext;
  address: string;
  pending?: AccessRequest;
  /** The newest decided request, shown when it was rejected and nothing is pending. */
  decided?: AccessRequest;
  values?: { name?: string; reason?: string };
  error?: string;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t("denied.title")}>
      <section class="card notice bad" id="denied">
        <h1>{t("denied.title")}</h1>
        <p>{t("denied.body")}</p>
        <p>
          {t("yourAddress")}: <span class="address" id="client-address">{props.address}</span>
        </p>
        <p class="muted">{t("denied.askAdmin")}</p>
      </section>
      {!props.pending && props.decided?.status === "rejected" && (
        <p class="notice warn card" id="request-rejected" role="status">
          {t("denied.rejected", { when: formatDateTime(props.decided.createdAt, props.page.locale) })}
        </p>
      )}
      <AccessRequestForm page={props.page} pending={props.pending} values={props.values} error={props.error} />
    </Layout>
  );
}
