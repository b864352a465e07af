// The catalog's pages: the table (GET /app/, or just its results for htmx) and one feature.
import { Hono } from "hono";
import { type AppEnv, appPage, isHtmx } from "../context";
import { dependentsOf, prerequisitesOf } from "./catalog-rules";
import { CatalogPage, CatalogResults, type CatalogView } from "./catalog-page";
import { DEFAULT_QUERY, parseFeatureQuery } from "./feature-query";
import { FeaturePage } from "./feature-page";
import { FEATURE_ID } from "./feature-schema";
import { NoticePage } from "../views/app-layout";

export function catalogRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => {
    const { catalog } = c.var.services;
    const version = await catalog.current();
    if (!version) return c.text("no catalog loaded", 503);
    const parsed = parseFeatureQuery(c.req.query());
    const query = parsed.ok ? parsed.query : DEFAULT_QUERY;
    const found = parsed.ok ? await catalog.search(version.id, query) : { items: [], total: 0 };
    const view: CatalogView = { version, facets: await catalog.facets(version.id), query, ...found, error: parsed.ok ? undefined : parsed.error };
    const page = appPage(c);
    const status = parsed.ok ? 200 : 400;
    if (isHtmx(c)) return c.html(<CatalogResults page={page} view={view} />, status);
    return c.html(<CatalogPage page={page} view={view} />, status);
  });

  app.get("/features/:id", async (c) => {
    const id = c.req.param("id");
    const catalog = await c.var.services.catalog.loadCurrent();
    const feature = FEATURE_ID.test(id) ? catalog?.byId.get(id) : undefined;
    if (!catalog || !feature) {
      const t = c.var.appT;
      return c.html(<NoticePage page={appPage(c)} title={t("feature.notFoundTitle")} message={t("feature.notFound", { id })} />, 404);
    }
    return c.html(
      <FeaturePage
        page={appPage(c)}
        view={{
          catalog,
          feature,
          prerequisites: prerequisitesOf(catalog.byId, id),
          dependents: dependentsOf(catalog.features, id),
          conflictedBy: catalog.features.filter((f) => f.conflicts.includes(id)).map((f) => f.id),
        }}
      />,
    );
  });

  return app;
}
