import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { VERSION } from "../src/build-info";
import type { Locale, Translate } from "../src/i18n/messages";
import { assetUrl } from "../src/http/static-assets";
import { HtmxScripts, PageHead } from "./page-head";
import { LanguageSwitch, SignOut, SkipLink } from "./top-bar";

export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query of this page, so the language switch comes back to it. */
  currentPath: string;
  /** The signed-in person, if any. */
  user?: { name: string; displayName: string; role: "admin" | "user" };
  adminPath: string;
  /** Access requests waiting for an admin; counted on console pages only. */
  pendingRequests?: number;
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
        <SkipLink label={t("nav.skip")} />
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
            {user && <SignOut label={t("nav.signOut")} />}
            <LanguageSwitch locale={page.locale} currentPath={page.currentPath} label={t("lang.switch")} names={{ en: t("lang.en"), ko: t("lang.ko") }} />
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer>{t("footer.version", { version: VERSION })}</footer>
      </body>
      </html>
    </>
  );
}
