import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { LOCALES, type Locale, type Translate, translator } from "./messages";

export const LOCALE_COOKIE = "lang";

export interface LocaleVariables {
  locale: Locale;
  t: Translate;
}

function isLocale(value: string | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? "");
}

/** Picks the first supported language of an Accept-Language header by its q-weights. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { language: tag.toLowerCase().split("-")[0]!, q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.language).find(isLocale) ?? "en";
}

/** The language switch (?lang=) wins and is remembered; then the cookie; then the browser's preference. */
export function localeMiddleware() {
  return createMiddleware<{ Variables: LocaleVariables }>(async function locale(c, next) {
    const requested = c.req.query("lang");
    let chosen: Locale;
    if (isLocale(requested)) {
      chosen = requested;
      setCookie(c, LOCALE_COOKIE, chosen, { path: "/", sameSite: "Lax", maxAge: 365 * 24 * 3600 });
    } else {
      const saved = getCookie(c, LOCALE_COOKIE);
      chosen = isLocale(saved) ? saved : negotiateLocale(c.req.header("accept-language"));
    }
    c.set("locale", chosen);
    c.set("t", translator(chosen));
    await next();
  });
}
