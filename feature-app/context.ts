// What every feature-app route can reach: the database stores, the live sockets of this user's
// pages, who the instance serves, and the request's language. Built once in createFeatureApp.
import type { Server } from "bun";
import type { Context } from "hono";
import type { LocaleVariables } from "../src/i18n/locale";
import type { Assignment } from "./app";
import type { CatalogStore } from "./catalog/catalog-store";
import type { FeatureDatabase } from "./db/connection";
import type { LiveSockets } from "./live-sockets";
import type { AppTranslate } from "./messages";
import type { AppPage } from "./views/app-layout";

export interface AppServices {
  db: FeatureDatabase;
  catalog: CatalogStore;
  live: LiveSockets;
  adminPath: string;
  /** Generated exports kept per feature set, besides pinned ones. */
  generationKeep: number;
  /** Set once a spare is claimed; every route past the claim gate can rely on it. */
  assignment(): Assignment;
}

export interface AppEnv {
  Bindings: Server<undefined>;
  Variables: LocaleVariables & { appT: AppTranslate; services: AppServices };
}

/** What the page frame needs from a request. */
export function appPage(c: Context<AppEnv>): AppPage {
  const url = new URL(c.req.url);
  const { services } = c.var;
  return {
    locale: c.var.locale,
    t: c.var.appT,
    assignment: services.assignment(),
    adminPath: services.adminPath,
    currentPath: `${url.pathname}${url.search}`,
  };
}

