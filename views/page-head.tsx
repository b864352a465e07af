import type { Child } from "hono/jsx";
import { assetUrl } from "../src/http/static-assets";

/** What every page's <head> has, gateway and feature app alike; `children` adds page scripts. */
export function PageHead(props: { title: string; children?: Child }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{props.title}</title>
      <link rel="icon" href={assetUrl("favicon.svg")} type="image/svg+xml" />
      <link rel="stylesheet" href={assetUrl("app.css")} />
      {props.children}
    </head>
  );
}

/**
 * htmx and its settings, for pages that use it. Answers 400/403/404/409/413/422 carry the form or
 * message to show (an inline error, a stale-save notice), so they are swapped in like a 200;
 * htmx's default would drop them. Its indicator styles are in app.css: an injected <style> is
 * against the CSP.
 */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4(00|03|04|09|13|22)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ],
});

export function HtmxScripts() {
  return (
    <>
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <script src={assetUrl("htmx.min.js")} defer></script>
      <script src={assetUrl("focus-after-swap.js")} defer></script>
      <script src={assetUrl("field-checks.js")} defer></script>
    </>
  );
}
