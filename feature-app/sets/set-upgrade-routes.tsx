// Upgrading a feature set to the current catalog version: the page (GET shows the preview, POST
// applies it and goes back to the set) and the same for scripts under /app/api. Only the owner
// applies; the store refuses a stale revision and applyUpgrade a preview the catalog has outrun.
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { auditFor } from "../audit";
import { type AppEnv, appPage } from "../context";
import { idParam } from "../id-param";
import { type AppTranslate, appInEnglish } from "../messages";
import { NoticePage } from "../views/app-layout";
import { type FeatureSet, FeatureSetStore } from "./feature-set-store";
import { pinnedCatalog } from "./set-catalog";
import { staleMessage } from "./set-input";
import { type UpgradeResult, applyUpgrade, previewUpgrade } from "./set-upgrade";
import { UpgradePage } from "./set-upgrade-page";

type C = Context<AppEnv>;

const number = (what: string) => v.pipe(v.unknown(), v.transform(Number), v.number(`${what} must be a number`), v.integer(`${what} must be a whole number`));
const applySchema = v.object({ revision: number("revision"), catalogVersion: number("catalogVersion") });

const store = (c: C) => new FeatureSetStore(c.var.services.db, auditFor(c));
const user = (c: C) => c.var.services.assignment().user;

/** The set of the URL with the version it is pinned to and the current one; undefined for no such set. */
async function load(c: C) {
  const id = idParam(c.req.param("id"));
  const set = id === undefined ? undefined : await store(c).get(id);
  if (!set) return undefined;
  const [pinned, current] = [await pinnedCatalog(c.var.services.catalog, set), await pinnedCatalog(c.var.services.catalog, undefined)];
  return { set, preview: (t: AppTranslate) => previewUpgrade(set, pinned, current, t) };
}

/** Why an upgrade was refused, with its status; undefined when it was applied. */
function refusal(result: UpgradeResult, set: FeatureSet, base: number, t: AppTranslate): { status: 403 | 404 | 409 | 422; message: string } | undefined {
  if (result.ok) return undefined;
  switch (result.reason) {
    case "not-found":
      return { status: 404, message: t("sets.notFound", { id: String(set.id) }) };
    case "forbidden":
      return { status: 403, message: t("sets.forbidden", { owner: set.owner }) };
    case "stale":
      return { status: 409, message: staleMessage(t, base, result.current) };
    case "moved":
      return { status: 409, message: t("upgrade.moved", { to: result.to }) };
    case "up-to-date":
      return { status: 422, message: t("upgrade.upToDate", { to: set.catalogVersionId ?? 0 }) };
  }
}

export function setUpgradeRoutes() {
  const app = new Hono<AppEnv>();
  const notFound = (c: C) => {
    const t = c.var.appT;
    return c.html(<NoticePage page={appPage(c)} title={t("sets.notFoundTitle")} message={t("sets.notFound", { id: c.req.param("id") ?? "" })} />, 404);
  };

  app.get("/:id/upgrade", async (c) => {
    const found = await load(c);
    if (!found) return notFound(c);
    return c.html(<UpgradePage page={appPage(c)} set={found.set} preview={found.preview(c.var.appT)} editable={found.set.owner === user(c)} />);
  });

  app.post("/:id/upgrade", async (c) => {
    const found = await load(c);
    if (!found) return notFound(c);
    const t = c.var.appT;
    const { set } = found;
    const preview = found.preview(t);
    const parsed = v.safeParse(applySchema, await c.req.parseBody());
    const refused = parsed.success
      ? refusal(await applyUpgrade(store(c), user(c), set, preview, parsed.output), set, parsed.output.revision, t)
      : { status: 422 as const, message: parsed.issues[0].message };
    if (!refused) return c.redirect(`/app/sets/${set.id}?saved`, 303);
    const page = <UpgradePage page={appPage(c)} set={set} preview={preview} editable={set.owner === user(c)} problems={[refused.message]} />;
    return c.html(page, refused.status);
  });

  return app;
}

export function setUpgradeApi() {
  const app = new Hono<AppEnv>();
  const notFound = (c: C) => c.json({ error: `no feature set ${c.req.param("id")}` }, 404);

  app.get("/feature-sets/:id/upgrade", async (c) => {
    const found = await load(c);
    return found ? c.json(found.preview(appInEnglish)) : notFound(c);
  });

  app.post("/feature-sets/:id/upgrade", async (c) => {
    const found = await load(c);
    if (!found) return notFound(c);
    const body = await c.req.json().catch(() => undefined);
    const parsed = v.safeParse(applySchema, body);
    if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
    const result = await applyUpgrade(store(c), user(c), found.set, found.preview(appInEnglish), parsed.output);
    const refused = refusal(result, found.set, parsed.output.revision, appInEnglish);
    if (refused) return c.json({ error: refused.message, ...(result.ok === false && result.reason === "stale" ? { revision: result.current.revision } : {}) }, refused.status);
    return c.json(result.ok ? result.set : undefined);
  });

  return app;
}
