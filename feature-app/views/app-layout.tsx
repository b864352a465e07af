// The frame of every feature-app page: top bar (sections, live-connection status, who is signed
// in, language) and the main area. No inline script or style: pages run under a CSP with
// script-src 'self'; page scripts are static files named in `scripts`.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { assetUrl } from "../../src/http/static-assets";
import type { Locale } from "../../src/i18n/messages";
import { PageHead } from "../../views/page-head";
import type { Assignment } from "../app";
import type { AppTranslate } from "../messages";

export type Section = "catalog" | "import" | "versions" | "sets" | "charts";

const SECTIONS: { id: Section; href: string }[] = [
  { id: "catalog", href: "/app/" },
  { id: "import", href: "/app/import" },
  { id: "versions", href: "/app/versions" },
  { id: "sets", href: "/app/sets" },
  { id: "charts", href: "/app/charts" },
];

export interface AppPage {
  locale: Locale;
  t: AppTranslate;
  assignment: Assignment;
  adminPath: string;
  /** Path and query of this page, so the language switch comes back to it. */
  currentPath: string;
}

function languageLink(currentPath: string, locale: Locale): string {
  const url = new URL(currentPath, "http://x");
  url.searchParams.set("lang", locale);
  return `${url.pathname}${url.search}`;
}

export function AppLayout(props: { page: AppPage; title: string; section?: Section; scripts?: string[]; children: Child }) {
  const { page } = props;
  const { t } = page;
  return (
    <>
      {/* Without a doctype browsers render in quirks mode. */}
      {raw("<!doctype html>")}
      <html lang={page.locale}>
      <PageHead title={`${props.title} · ${t("app.name")}`}>
        {/* htmx would inject an inline <style> for its indicators, which the CSP forbids; app.css has them. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        <script src={assetUrl("htmx.min.js")} defer></script>
        <script type="module" src={assetUrl("feature-app.js")}></script>
        {(props.scripts ?? []).map((name) => (
          <script type="module" src={assetUrl(name)}></script>
        ))}
      </PageHead>
      <body>
        <header class="topbar">
          <a class="brand" href="/app/">
            <img src={assetUrl("favicon.svg")} alt="" />
            <span>{t("app.name")}</span>
          </a>
          <nav aria-label={t("nav.sections")} class="sections">
            {SECTIONS.map((section) => (
              <a href={section.href} aria-current={props.section === section.id ? "page" : undefined}>
                {t(`nav.${section.id}`)}
              </a>
            ))}
          </nav>
          <nav aria-label={t("nav.account")}>
            <span
              id="connection-status"
              class="muted"
              role="status"
              data-connected={t("connection.connected")}
              data-reconnecting={t("connection.reconnecting")}
            >
              {t("connection.connecting")}
            </span>
            {page.assignment.role === "admin" && <a href={page.adminPath}>{t("nav.console")}</a>}
            <span id="signed-in-as">{t("nav.signedInAs", { name: page.assignment.displayName || page.assignment.user })}</span>
            {/* The gateway, not this app, owns sessions: the form goes to its /logout. */}
            <form method="post" action="/logout" class="inline">
              <button type="submit" class="link">
                {t("nav.signOut")}
              </button>
            </form>
            <fieldset class="lang-switch">
              <legend class="visually-hidden">{t("lang.switch")}</legend>
              {(["en", "ko"] as const).map((locale) => (
                <a href={languageLink(page.currentPath, locale)} hreflang={locale} aria-current={page.locale === locale ? "true" : undefined}>
                  {t(`lang.${locale}`)}
                </a>
              ))}
            </fieldset>
          </nav>
        </header>
        <main id="main">{props.children}</main>
      </body>
      </html>
    </>
  );
}

/** A page that only says something went wrong (not found, not allowed), with the way back. */
export function NoticePage(props: { page: AppPage; title: string; message: string }) {
  return (
    <AppLayout page={props.page} title={props.title}>
      <h1>{props.title}</h1>
      <p class="notice bad card" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/app/">← {props.page.t("catalog.title")}</a>
      </p>
    </AppLayout>
  );
}
