// The feature app's home page: the embedded demo catalog as a table, with counts per release.
// No inline script or style: pages run under a CSP with script-src 'self'; the live connection
// is static/feature-app.js, which reads its texts from data- attributes rendered here.
import { assetUrl } from "../src/http/static-assets";
import { PageHead } from "../views/page-head";
import type { Locale } from "../src/i18n/messages";
import type { Assignment } from "./app";
import type { Feature } from "./catalog";
import { appTranslator } from "./messages";


const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function CatalogPage(props: { locale: Locale; assignment: Assignment; adminPath: string; features: Feature[] }) {
  const t = appTranslator(props.locale);
  const features = props.features.toSorted((a, b) => byText(a.id, b.id));
  const perRelease = new Map<string, number>();
  for (const feature of features) perRelease.set(feature.release, (perRelease.get(feature.release) ?? 0) + 1);
  const releases = [...perRelease.keys()].sort(byText);
  return (
    <html lang={props.locale}>
      <PageHead title={t("app.name")}>
        <script type="module" src={assetUrl("feature-app.js")}></script>
      </PageHead>
      <body>
        <header class="topbar">
          <a class="brand" href="/app/">
            <img src={assetUrl("favicon.svg")} alt="" />
            <span>{t("app.name")}</span>
          </a>
          <nav aria-label={t("app.name")}>
            <span
              id="connection-status"
              class="muted"
              role="status"
              data-connected={t("connection.connected")}
              data-reconnecting={t("connection.reconnecting")}
            >
              {t("connection.connecting")}
            </span>
            {props.assignment.role === "admin" && <a href={props.adminPath}>{t("nav.console")}</a>}
            <span id="signed-in-as">
              {t("nav.signedInAs", { name: props.assignment.displayName || props.assignment.user })}
            </span>
            {/* The gateway, not this app, owns sessions: the form goes to its /logout. */}
            <form method="post" action="/logout" class="inline">
              <button type="submit" class="link">
                {t("nav.signOut")}
              </button>
            </form>
            <fieldset class="lang-switch">
              <legend class="visually-hidden">{t("lang.switch")}</legend>
              {(["en", "ko"] as const).map((locale) => (
                <a href={`/app/?lang=${locale}`} hreflang={locale} aria-current={props.locale === locale ? "true" : undefined}>
                  {t(`lang.${locale}`)}
                </a>
              ))}
            </fieldset>
          </nav>
        </header>
        <main>
          <h1>{t("catalog.title")}</h1>
          <p class="muted">{t("catalog.summary", { count: features.length })}</p>
          <section class="card" aria-labelledby="per-release-title">
            <h2 id="per-release-title">{t("catalog.perRelease")}</h2>
            <table id="per-release">
              <thead>
                <tr>
                  {releases.map((release) => (
                    <th scope="col">{release}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  {releases.map((release) => (
                    <td>{perRelease.get(release)}</td>
                  ))}
                </tr>
              </tbody>
            </table>
          </section>
          <table id="features">
            <thead>
              <tr>
                <th scope="col">{t("catalog.id")}</th>
                <th scope="col">{t("catalog.name")}</th>
                <th scope="col">{t("catalog.category")}</th>
                <th scope="col">{t("catalog.release")}</th>
                <th scope="col">{t("catalog.status")}</th>
                <th scope="col">{t("catalog.parameters")}</th>
              </tr>
            </thead>
            <tbody>
              {features.map((feature) => (
                <tr id={feature.id}>
                  <td>{feature.id}</td>
                  <td>{feature.name}</td>
                  <td>{feature.category}</td>
                  <td>{feature.release}</td>
                  <td>{t(`status.${feature.status}`)}</td>
                  <td>{feature.parameters.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </main>
      </body>
    </html>
  );
}
