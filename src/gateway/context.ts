import type { PageContext } from "../../views/layout";
import type { ClientAddressVariables, ServerBindings } from "../http/client-address";
import type { LocaleVariables } from "../i18n/locale";
import type { UserStore } from "../users/user-store";

export type GatewayEnv = {
  Bindings: ServerBindings;
  Variables: LocaleVariables & ClientAddressVariables & { users: UserStore };
};

interface HasLocale {
  get<K extends keyof LocaleVariables>(key: K): LocaleVariables[K];
  req: { url: string };
}

/** What every page needs from the request: language, translations, and where the language switch returns. */
export function pageContext(c: HasLocale): PageContext {
  const url = new URL(c.req.url);
  return { locale: c.get("locale"), t: c.get("t"), currentPath: `${url.pathname}${url.search}` };
}
