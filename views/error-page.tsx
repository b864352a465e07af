import { Layout, type PageContext } from "./layout";

export function ErrorPage(props: { page: PageContext; message: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page}>
      <section class="card notice bad">
        <h1>{props.message}</h1>
        <p>
          <a href="/">{t("error.back")}</a>
        </p>
      </section>
    </Layout>
  );
}
