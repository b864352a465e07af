// The browser assets, embedded in the executable by `with { type: "file" }`. Only names in this
// table are served, so no request path ever reaches the file system.
import { Hono } from "hono";
import adminChartsJs from "../../static/admin-charts.js" with { type: "file" };
import appCss from "../../static/app.css" with { type: "file" };
import faviconSvg from "../../static/favicon.svg" with { type: "file" };
import featureAppJs from "../../static/feature-app.js" with { type: "file" };
import featureChartsJs from "../../static/feature-charts.js" with { type: "file" };
import fieldChecksJs from "../../static/field-checks.js" with { type: "file" };
import focusAfterSwapJs from "../../static/focus-after-swap.js" with { type: "file" };
import setChartsJs from "../../static/set-charts.js" with { type: "file" };
import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "file" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "file" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "file" };
import { VERSION } from "../build-info";

const ASSETS = {
  "admin-charts.js": { path: adminChartsJs, type: "text/javascript; charset=utf-8" },
  "app.css": { path: appCss, type: "text/css; charset=utf-8" },
  "favicon.svg": { path: faviconSvg, type: "image/svg+xml" },
  "feature-app.js": { path: featureAppJs, type: "text/javascript; charset=utf-8" },
  "feature-charts.js": { path: featureChartsJs, type: "text/javascript; charset=utf-8" },
  "field-checks.js": { path: fieldChecksJs, type: "text/javascript; charset=utf-8" },
  "focus-after-swap.js": { path: focusAfterSwapJs, type: "text/javascript; charset=utf-8" },
  "set-charts.js": { path: setChartsJs, type: "text/javascript; charset=utf-8" },
  "htmx.min.js": { path: htmxJs, type: "text/javascript; charset=utf-8" },
  "uPlot.min.css": { path: uplotCss, type: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": { path: uplotJs, type: "text/javascript; charset=utf-8" },
} satisfies Record<string, { path: string; type: string }>;

export type AssetName = keyof typeof ASSETS;

/** Asset URLs carry the version, so browsers may cache them for good and still see upgrades. */
export function assetUrl(name: AssetName): string {
  return `/static/${name}?v=${VERSION}`;
}

export function staticRoutes() {
  const app = new Hono();
  app.get("/:name", async (c) => {
    const name = c.req.param("name");
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name as AssetName] : undefined;
    if (!asset) return c.notFound();
    return new Response(Bun.file(asset.path), {
      headers: {
        "content-type": asset.type,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  });
  return app;
}
