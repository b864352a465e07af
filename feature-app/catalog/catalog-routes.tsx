// The catalog's pages: the table (GET /app/, or just its results for htmx) and one feature.
import { type Context, Hono } from "hono";
import { isHtmx } from "../../src/http/htmx";
import { type AppEnv, appPage } from "../context";
import { dependentsOf, prerequisitesOf } from "./catalog-rules";
import { CatalogPage, CatalogResults, type CatalogView } from "./catalog-page";
import { DEFAULT_QUERY, parseFeatureQuery } from "./feature-query";
import { FeaturePage } from "./feature-page";
import { FEATURE_ID } from "./feature-schema";
import { NoticePage } from "../views/app-layout";
import { compareCatalogs } from "./catalog-compare";
import { ChartsPage } from "./charts-page";
import { MakeCurrentPage, VersionsPage } from "./versions-page";
import { canEdit, requireCatalogEditor } from "./catalog-editors";
import { makeCurrent, previewMakeCurrent } from "./make-current";
import { postedConfirmation, refusalMessage } from "./impact-view";
import { idParam } from "../id-param";

export function catalogRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => {
    const { catalog } = c.var.services;
    const version = await catalog.current();
    if (!version) return c.text("no catalog loaded", 503);
    const parsed = parseFeatureQuery(c.req.query(), c.var.locale);
    let query = parsed.ok ? parsed.query : DEFAULT_QUERY;
    let found = parsed.ok ? await catalog.search(version.id, query) : { items: [], total: 0 };
    const lastPage = Math.max(1, Math.ceil(found.total / query.pageSize));
    // A page past the end (an old link, a shrunken filter) shows the last one instead of nothing.
    if (query.page > lastPage) {
      query = { ...query, page: lastPage };
      found = await catalog.search(version.id, query);
    }
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

  app.get("/versions", async (c) => {
    const notice = madeCurrentNotice(c);
    return c.html(<VersionsPage page={appPage(c)} versions={await c.var.services.catalog.versions()} canEdit={await canEdit(c)} notice={notice} />);
  });

  /** What a make-current that has just redirected here did (the redirect keeps a reload from posting it again). */
  const madeCurrentNotice = (c: Context<AppEnv>) => {
    const t = c.var.appT;
    const [made, from, already] = ["made", "from", "already"].map((name) => idParam(c.req.query(name)));
    if (already !== undefined) return t("versions.alreadyCurrent", { version: already });
    return made !== undefined && from !== undefined ? t("versions.madeCurrent", { version: made, from }) : undefined;
  };

  app.get("/versions/compare", async (c) => {
    const { catalog } = c.var.services;
    const versions = await catalog.versions();
    const [from, to] = await Promise.all([idParam(c.req.query("from")), idParam(c.req.query("to"))].map((id) => (id ? catalog.load(id) : undefined)));
    const page = appPage(c);
    const error = !from || !to ? c.var.appT("versions.pickTwo") : undefined;
    const compared = from && to ? { from: from.version, to: to.version, comparison: compareCatalogs(from, to) } : undefined;
    return c.html(<VersionsPage page={page} versions={versions} canEdit={await canEdit(c)} compared={compared} error={error} />, error ? 400 : 200);
  });

  const noSuchVersion = (c: Context<AppEnv>) => {
    const t = c.var.appT;
    return c.html(<NoticePage page={appPage(c)} title={t("common.error")} message={t("versions.noSuchVersion", { version: c.req.param("id") ?? "" })} />, 404);
  };

  app.get("/versions/:id{[0-9]+}/make-current", requireCatalogEditor(), async (c) => {
    const preview = await previewMakeCurrent(c, Number(c.req.param("id")));
    if (!preview) return noSuchVersion(c);
    return c.html(<MakeCurrentPage page={appPage(c)} source={preview.source.version} impact={preview.impact} />);
  });

  app.post("/versions/:id{[0-9]+}/make-current", requireCatalogEditor(), async (c) => {
    const body = await c.req.parseBody();
    const confirmation = postedConfirmation(body);
    const outcome = await makeCurrent(c, Number(c.req.param("id")), confirmation);
    if ("missing" in outcome) return noSuchVersion(c);
    if ("unconfirmed" in outcome) {
      const message = refusalMessage(c.var.appT, outcome.unconfirmed, confirmation);
      return c.html(<MakeCurrentPage page={appPage(c)} source={outcome.source.version} impact={outcome.unconfirmed} message={message} />, 409);
    }
    const done = "unchanged" in outcome ? `already=${outcome.source.version.id}` : `made=${outcome.version.id}&from=${outcome.source.version.id}`;
    return c.redirect(`/app/versions?${done}`, 303);
  });

  app.get("/charts", async (c) => {
    const { catalog } = c.var.services;
    const version = await catalog.current();
    if (!version) return c.text("no catalog loaded", 503);
    return c.html(<ChartsPage page={appPage(c)} version={version} facets={await catalog.facets(version.id)} />);
  });

  return app;
}

