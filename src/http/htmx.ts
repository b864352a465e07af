import type { Context } from "hono";

/** Sent by htmx: such a request wants the fragment it will swap in, not a whole page. */
export const isHtmx = (c: Context) => c.req.header("hx-request") === "true";
