import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { VERSION } from "../src/build-info";
import type { Locale, Translate } from "../src/i18n/messages";
import { assetUrl } from "../src/http/static-assets";
import { HtmxScripts, PageHead } from "./page-head";

export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query of this page, so the language switch comes back to it. */
  currentPath: string;
  /** The signed-in person, if any. */
  user?: { name: string; displayName: string; role: "admin" | "user" };
  adminPath: string;
}

function languageLink(page: PageContext, locale: Locale) {
  const url = new URL(page.currentPath, "http://x");
  url.searchParams.set("lang", locale);
  return `${url.pathname}${url.search}`;
}

export function Layout(props: { page: PageContext; title?: string; refreshSeconds?: number; children: Child }) {
  const { page } = props;
  const { t, user } = page;
  const title = props.title ? `${props.title} · ${t("app.name")}` : t("app.name");
  return (
    <>
      {/* Without a doctype browsers render in quirks mode. */}
      {raw("<!doctype html>")}
      <html lang={page.locale}>
      <PageHead title={title}>
        {props.refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(props.refreshSeconds)} />}
        <HtmxScripts />
      </PageHead>
      <body>
        <header class="topbar">
          <a class="brand" href="/">
            <img src={assetUrl("favicon.svg")} alt="" />
            <span>{t("app.name")}</span>
          </a>
          <nav aria-label={t("app.name")}>
            {user?.role === "admin" && <a href={page.adminPath}>{t("nav.console")}</a>}
            {user && <a href="/app/">{t("nav.app")}</a>}
            {user && (
              <span class="muted" id="signed-in-as">
                {t("nav.signedInAs", { name: user.displayName || user.name })}
              </span>
            )}
            {user && (
              <form method="post" action="/logout" class="inline">
                <button type="submit" class="link">
                  {t("nav.signOut")}
                </button>
              </form>
            )}
            <fieldset class="lang-switch">
              <legend class="visually-hidden">{t("lang.switch")}</legend>
              {(["en", "ko"] as const).map((locale) => (
                <a
                  href={languageLink(page, locale)}
                  hreflang={locale}
                  aria-current={page.locale === locale ? "true" : undefined}
                >
                  {t(`lang.${locale}`)}
                </a>
              ))}
            </fieldset>
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>{t("footer.version", { version: VERSION })}</footer>
      </body>
      </html>
    </>
  );
}
