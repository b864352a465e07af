// The frame of every feature-app page: top bar (sections, live-connection status, who is signed
// in, language) and the main area. No inline script or style: pages run under a CSP with
// script-src 'self'; page scripts are static files named in `scripts`.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { raw } from "hono/html";
import { type AssetName, assetUrl } from "../../src/http/static-assets";
import type { Locale } from "../../src/i18n/messages";
import { HtmxScripts, PageHead } from "../../views/page-head";
import { LanguageSwitch, SignOut, SkipLink } from "../../views/top-bar";
import type { Assignment } from "../app";
import type { AppTranslate } from "../messages";
import { type AppEnv, appPage } from "../context";
import { isHtmx } from "../../src/http/htmx";

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

export function AppLayout(props: {
  page: AppPage;
  title: string;
  section?: Section;
  /** Page scripts (static/), run after the page is parsed, in this order. */
  scripts?: AssetName[];
  /** Loads uPlot before the page scripts. */
  charts?: boolean;
  children: Child;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <>
      {/* Without a doctype browsers render in quirks mode. */}
      {raw("<!doctype html>")}
      <html lang={page.locale}>
      <PageHead title={`${props.title} · ${t("app.name")}`}>
        <HtmxScripts />
        <script type="module" src={assetUrl("feature-app.js")}></script>
        {props.charts && <link rel="stylesheet" href={assetUrl("uPlot.min.css")} />}
        {props.charts && <script src={assetUrl("uPlot.iife.min.js")} defer></script>}
        {(props.scripts ?? []).map((name) => (
          <script type="module" src={assetUrl(name)}></script>
        ))}
      </PageHead>
      <body>
        <SkipLink label={t("nav.skip")} />
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
            <SignOut label={t("nav.signOut")} />
            <LanguageSwitch locale={page.locale} currentPath={page.currentPath} label={t("lang.switch")} names={{ en: t("lang.en"), ko: t("lang.ko") }} />
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
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

/** An error as the request wants it: JSON for the API, the message alone for htmx, else a page. */
export function errorAnswer(c: Context<AppEnv>, status: ContentfulStatusCode, message: string) {
  if (c.req.path.startsWith("/app/api/") || !c.var.appT) return c.json({ error: message }, status);
  if (isHtmx(c)) {
    return c.html(
      <p class="notice bad card" role="alert">
        {message}
      </p>,
      status,
    );
  }
  return c.html(<NoticePage page={appPage(c)} title={c.var.appT("common.error")} message={message} />, status);
}
