import type { Child } from "hono/jsx";
import { Layout, type PageContext } from "./layout";

export type Tone = "ok" | "warn" | "bad" | "info";

/** A page with one message: errors, "not set up yet", "disabled", "signed out". */
export function NoticePage(props: {
  page: PageContext;
  title: string;
  tone?: Tone;
  id?: string;
  refreshSeconds?: number;
  children?: Child;
}) {
  return (
    <Layout page={props.page} title={props.title} refreshSeconds={props.refreshSeconds}>
      <section class={`card notice ${props.tone ?? "info"}`} id={props.id}>
        <h1>{props.title}</h1>
        {props.children}
      </section>
    </Layout>
  );
}

export function ErrorPage(props: { page: PageContext; message: string }) {
  return (
    <NoticePage page={props.page} title={props.message} tone="bad" id="error">
      <p>
        <a href="/">{props.page.t("error.back")}</a>
      </p>
    </NoticePage>
  );
}
