import type { UserRecord } from "../src/users/user-store";
import { Layout, type PageContext } from "./layout";

export type Visitor =
  | { kind: "not-set-up"; fromThisMachine: boolean }
  | { kind: "unknown" }
  | { kind: "known"; user: UserRecord };

export function HomePage(props: { page: PageContext; address: string; visitor: Visitor }) {
  const { t } = props.page;
  const { visitor } = props;
  return (
    <Layout page={props.page}>
      <h1>{t("app.name")}</h1>
      <p class="muted">{t("app.tagline")}</p>
      <section class="card">
        <p>
          {t("home.yourAddress")}: <span class="address" id="client-address">{props.address}</span>
        </p>
        {visitor.kind === "not-set-up" && (
          <div class="notice warn card" id="visitor-status">
            <h2>{t("home.notSetUp.title")}</h2>
            {visitor.fromThisMachine ? (
              <>
                <p>{t("home.notSetUp.local")}</p>
                <pre>5gfm user add admin --role admin --ip 127.0.0.1 --ip ::1 --password-stdin</pre>
              </>
            ) : (
              <p>{t("home.notSetUp.remote")}</p>
            )}
          </div>
        )}
        {visitor.kind === "unknown" && (
          <p class="notice bad card" id="visitor-status">
            {t("home.unknown")}
          </p>
        )}
        {visitor.kind === "known" && (
          <p class={`notice card ${visitor.user.enabled ? "ok" : "bad"}`} id="visitor-status">
            {visitor.user.enabled
              ? t("home.recognisedAs", { name: visitor.user.displayName || visitor.user.name, role: t(`role.${visitor.user.role}`) })
              : t("home.disabled", { name: visitor.user.name })}
          </p>
        )}
        {visitor.kind === "known" && visitor.user.enabled && <p class="muted">{t("home.comingNext")}</p>}
      </section>
    </Layout>
  );
}
