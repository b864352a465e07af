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
