import { formatDateTime } from "../src/i18n/format";
import { Layout, type PageContext } from "./layout";

export function UserHomePage(props: { page: PageContext; name: string; address: string; since: Date }) {
  const { t, locale } = props.page;
  return (
    <Layout page={props.page} title={t("nav.app")}>
      <section class="card" id="user-home">
        <h1>{t("userHome.title", { name: props.name })}</h1>
        <p>{t("userHome.session", { address: props.address, since: formatDateTime(props.since, locale) })}</p>
        <p class="muted">{t("userHome.appStarting")}</p>
      </section>
    </Layout>
  );
}
