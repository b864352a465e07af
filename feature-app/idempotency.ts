// Retries that are safe: a creating POST (a new set, a clone, an import) sent with an
// Idempotency-Key header — or, from the app's own plain forms (which also keep an export from
// the set page), the hidden field of the same name — is carried out once per user and key; a
// retry within 24 h (after a lost answer, a 502/504, a double click) gets the first answer again
// instead of making a duplicate. A retry while the first is still running is told so (409); a
// key reused for another request is refused (422). Only answers that did something (2xx, 3xx)
// are kept: after a refusal (4xx) or a failure of the server's own (5xx) the same key may be sent
// again with the request put right.
import { and, asc, count, eq, inArray, lt } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { idempotencyKeys } from "./db/schema";
import type { AppEnv } from "./context";
import { errorAnswer } from "./views/app-layout";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** The hidden field the app's own plain (non-htmx) forms send the key in. */
export const IDEMPOTENCY_FIELD = "idempotency-key";
export const KEEP_MS = 24 * 3_600_000;
/** Keys kept per user; past it the oldest go first. */
export const KEYS_PER_USER = 500;
/** A first request not finished within this is taken to have died with its process. */
const ABANDONED_MS = 5 * 60_000;
/** Answers larger than this are not kept (creating requests answer with a few hundred bytes). */
const MAX_KEPT_BODY = 256 * 1024;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyOptions {
  /**
   * Also take the key from a url-encoded form's hidden field. Only for routes that read such a
   * small form anyway: upload routes have their own body limit, which must see the body first.
   */
  formField?: boolean;
}

export function idempotency(options: IdempotencyOptions = {}): MiddlewareHandler<AppEnv> {
  return async function idempotent(c, next) {
    const key = await keyOf(c, options.formField === true);
    if (key === undefined) return next();
    const t = c.var.appT;
    if (!KEY_PATTERN.test(key)) return errorAnswer(c, 400, t("idempotency.badKey"));
    const { db } = c.var.services;
    const user = c.var.services.assignment().user;
    const request = { method: c.req.method, path: c.req.path };
    const now = Date.now();
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ user, key, ...request, createdAt: new Date(now) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [first] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.user, user), eq(idempotencyKeys.key, key)));
      if (first && now - first.createdAt.getTime() < KEEP_MS) {
        if (first.method !== request.method || first.path !== request.path) return errorAnswer(c, 422, t("idempotency.otherRequest"));
        if (first.status !== null) return replay(first);
        if (now - first.createdAt.getTime() < ABANDONED_MS) return errorAnswer(c, 409, t("idempotency.inProgress"));
      }
      // Expired, or its first request died unfinished: this request starts over with the key.
      await db
        .update(idempotencyKeys)
        .set({ ...request, status: null, headers: null, body: null, createdAt: new Date(now) })
        .where(and(eq(idempotencyKeys.user, user), eq(idempotencyKeys.key, key)));
    }
    await prune(c, user, now);
    await next();
    const res = c.res;
    const body = res.status < 400 ? new Uint8Array(await res.clone().arrayBuffer()) : undefined;
    const mine = and(eq(idempotencyKeys.user, user), eq(idempotencyKeys.key, key));
    if (!body || body.byteLength > MAX_KEPT_BODY) {
      await db.delete(idempotencyKeys).where(mine);
      return;
    }
    await db
      .update(idempotencyKeys)
      .set({ status: res.status, headers: JSON.stringify(keptHeaders(res.headers)), body: Buffer.from(body) })
      .where(mine);
  };
}

/** The key from the header, or from the hidden field of a plain url-encoded form. */
async function keyOf(c: Context<AppEnv>, formField: boolean): Promise<string | undefined> {
  const header = c.req.header(IDEMPOTENCY_HEADER);
  if (header !== undefined) return header;
  if (!formField || !(c.req.header("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) return undefined;
  // Read through Hono's body cache: the route reads the same form again afterwards.
  const field = (await c.req.formData()).get(IDEMPOTENCY_FIELD);
  return typeof field === "string" && field !== "" ? field : undefined;
}

/** What of the first answer a retry gets again: its type, where it sent the browser, htmx's instructions. */
function keptHeaders(headers: Headers): [string, string][] {
  return [...headers].filter(([name]) => name === "content-type" || name === "location" || name.startsWith("hx-"));
}

function replay(first: typeof idempotencyKeys.$inferSelect): Response {
  const headers = new Headers(first.headers ? (JSON.parse(first.headers) as [string, string][]) : []);
  headers.set("Idempotent-Replayed", "true");
  return new Response(first.body ? new Uint8Array(first.body) : null, { status: first.status ?? 200, headers });
}

/** Bounded storage: keys older than 24 h go, and a user keeps at most KEYS_PER_USER. */
async function prune(c: Context<AppEnv>, user: string, now: number): Promise<void> {
  const { db } = c.var.services;
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now - KEEP_MS)));
  const [kept] = await db.select({ n: count() }).from(idempotencyKeys).where(eq(idempotencyKeys.user, user));
  const excess = (kept?.n ?? 0) - KEYS_PER_USER;
  if (excess <= 0) return;
  const oldest = await db
    .select({ key: idempotencyKeys.key })
    .from(idempotencyKeys)
    .where(eq(idempotencyKeys.user, user))
    .orderBy(asc(idempotencyKeys.createdAt))
    .limit(excess);
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.user, user), inArray(idempotencyKeys.key, oldest.map((o) => o.key))));
}
