// The parts of the top bar that the gateway's pages and the feature app's pages share.
import { LOCALES, type Locale } from "../src/i18n/messages";

/** The same page in another language: ?lang= is set on the current path and query. */
function languageLink(currentPath: string, locale: Locale): string {
  const url = new URL(currentPath, "http://x");
  url.searchParams.set("lang", locale);
  return `${url.pathname}${url.search}`;
}

export function LanguageSwitch(props: { locale: Locale; currentPath: string; label: string; names: Record<Locale, string> }) {
  return (
    <fieldset class="lang-switch">
      <legend class="visually-hidden">{props.label}</legend>
      {LOCALES.map((locale) => (
        <a href={languageLink(props.currentPath, locale)} hreflang={locale} aria-current={props.locale === locale ? "true" : undefined}>
          {props.names[locale]}
        </a>
      ))}
    </fieldset>
  );
}

/** The gateway owns sessions, so signing out is always its /logout, from either app. */
export function SignOut(props: { label: string }) {
  return (
    <form method="post" action="/logout" class="inline">
      <button type="submit" class="link">
        {props.label}
      </button>
    </form>
  );
}

/** The first thing Tab reaches on every page: straight past the top bar to the page's content. */
export function SkipLink(props: { label: string }) {
  return (
    <a class="skip-link" href="#main">
      {props.label}
    </a>
  );
}
