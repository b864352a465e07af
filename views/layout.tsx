import type { Child } from "hono/jsx";
import { VERSION } from "../src/build-info";
import type { Locale, Translate } from "../src/i18n/messages";
import { assetUrl } from "../src/http/static-assets";

export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query of this page, so the language switch comes back to it. */
  currentPath: string;
}

function languageLink(page: PageContext, locale: Locale) {
  const url = new URL(page.currentPath, "http://x");
  url.searchParams.set("lang", locale);
  return `${url.pathname}${url.search}`;
}

export function Layout(props: { page: PageContext; title?: string; children: Child }) {
  const { page } = props;
  const { t } = page;
  const title = props.title ? `${props.title} · ${t("app.name")}` : t("app.name");
  return (
    <html lang={page.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="icon" href={assetUrl("favicon.svg")} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl("app.css")} />
        <script src={assetUrl("htmx.min.js")} defer></script>
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">
            <img src={assetUrl("favicon.svg")} alt="" />
            <span>{t("app.name")}</span>
          </a>
          <nav class="lang-switch" aria-label={t("lang.switch")}>
            {(["en", "ko"] as const).map((locale) => (
              <a href={languageLink(page, locale)} hreflang={locale} aria-current={page.locale === locale ? "true" : undefined}>
                {t(`lang.${locale}`)}
              </a>
            ))}
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>{t("footer.version", { version: VERSION })}</footer>
      </body>
    </html>
  );
}
