// Who is asking: the session cookie if it is valid for this address, else the IP rules.
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { PublicError } from "../errors";
import type { UserRecord } from "../users/user-store";
import type { SessionLookup } from "../auth/session-store";
import { type GatewayContext, type GatewayEnv, type GatewayServices, type Identity, actorOf } from "./context";
import { IdentityCache } from "./identity-cache";
import { isHtmx } from "../http/htmx";

export const SESSION_COOKIE = "fgm_session";

/** Session cookie: HttpOnly, SameSite=Lax, Secure under TLS, and no expiry, so it ends with the browser. */
export function setSessionCookie(c: GatewayContext, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("services").https,
  });
}

export function clearSessionCookie(c: GatewayContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type IdentityLookup = { ok: true; identity: Identity } | Extract<SessionLookup, { ok: false }>;

/** Who a session cookie belongs to, from the cache if it was confirmed a moment ago. */
export async function confirmIdentity(
  services: Pick<GatewayServices, "sessions" | "users">,
  cache: IdentityCache,
  token: string,
  address: string,
): Promise<IdentityLookup> {
  const cached = cache.get(token, address);
  if (cached) return { ok: true, identity: cached };
  const version = cache.version;
  const found = await services.sessions.lookup(token, address);
  if (!found.ok) return found;
  const user = await services.users.getById(found.session.userId);
  if (!user) return { ok: false, reason: "unknown" };
  const identity = { user, session: found.session };
  cache.set(token, address, identity, version);
  return { ok: true, identity };
}

/**
 * Resolves the session cookie into c.var.identity; a cookie that no longer works is removed.
 * Confirmed identities are cached briefly (identity-cache.ts). A state-changing request to the
 * gateway's own pages made by someone signed in (signing out, the admin console revoking a session
 * or changing a user) empties that cache when it succeeded, so its effect is seen by the very next
 * request. Nothing else can change a cached identity: an anonymous request has no user or session
 * to change (signing in and setup create new ones, never cached yet), a refused one changed
 * nothing, and the users' own app traffic (/app/…) changes no user or session. So a flood of
 * anonymous or failing posts cannot keep the cache empty.
 */
export function sessionMiddleware(cache = new IdentityCache()) {
  return createMiddleware<GatewayEnv>(async function session(c, next) {
    c.set("identity", null);
    c.set("sessionEnded", null);
    const token = getCookie(c, SESSION_COOKIE);
    const address = c.get("clientAddressText");
    const found = token ? await confirmIdentity(c.get("services"), cache, token, address) : undefined;
    if (found?.ok) c.set("identity", found.identity);
    else if (found && found.reason !== "other-address") {
      clearSessionCookie(c);
      if (found.reason === "revoked" || found.reason === "idle" || found.reason === "expired" || found.reason === "ended") {
        c.set("sessionEnded", found.reason);
      }
    }
    const changesState = !SAFE_METHODS.has(c.req.method) && !c.req.path.startsWith("/app/");
    const signedIn = c.get("identity") !== null;
    try {
      await next();
    } finally {
      if (changesState && signedIn && c.res.status < 400) cache.clear();
    }
  });
}

export type Admission =
  | { kind: "in" }
  | { kind: "cross-site" }
  | { kind: "not-set-up" }
  | { kind: "unknown" }
  | { kind: "disabled"; user: UserRecord }
  | { kind: "needs-password"; user: UserRecord };

/**
 * Lets the visitor in if they can be: an existing session, or an IP rule that is enough on its
 * own (then a session is started). Otherwise says why not.
 */
export async function admit(c: GatewayContext): Promise<Admission> {
  if (c.get("identity")) return { kind: "in" };
  const { users, sessions } = c.get("services");
  if (!(await users.hasEnabledAdmin())) return { kind: "not-set-up" };
  const address = c.get("clientAddress");
  const user = address ? await users.findByAddress(address) : undefined;
  if (!user) return { kind: "unknown" };
  if (!user.enabled) return { kind: "disabled", user };
  if (user.requirePassword) return { kind: "needs-password", user };
  // Another site's <img>, <script> or fetch pointing here is no visit of this person: it starts no
  // session (and counts none). A link they follow from another site is a navigation, and does.
  if (c.req.header("sec-fetch-site") === "cross-site" && c.req.header("sec-fetch-mode") !== "navigate") return { kind: "cross-site" };
  const actor = { name: user.name, address: c.get("clientAddressText") };
  const created = await sessions.create(user.id, actor.address, c.req.header("user-agent") ?? "", "address", actor, startedBy(c));
  setSessionCookie(c, created.token);
  const found = await sessions.lookup(created.token, actor.address);
  if (found.ok) c.set("identity", { user, session: found.session });
  return { kind: "in" };
}

/**
 * A session a page navigation starts is a visit; one a script or API call starts (no such
 * header: curl, a script's fetch) is counted apart, and becomes a visit if its page opens the app.
 */
function startedBy(c: GatewayContext): "page" | "script" {
  return c.req.header("sec-fetch-mode") === "navigate" || c.req.header("sec-fetch-dest") === "document" ? "page" : "script";
}

/** The sign-in page, coming back to `next`, saying why the old session ended if it did. */
export function loginUrl(c: GatewayContext, next: string): string {
  const ended = c.get("sessionEnded");
  return `/login?next=${encodeURIComponent(next)}${ended ? `&ended=${ended}` : ""}`;
}

/**
 * The page the person is on: for an htmx request the page that sent it (HX-Current-URL), else
 * the request's own path. Only the path and query are kept, so `next` never leaves this server.
 */
export function currentPage(c: GatewayContext): string {
  const url = new URL((isHtmx(c) && c.req.header("hx-current-url")) || c.req.url, c.req.url);
  return `${url.pathname}${url.search}`;
}

/**
 * Sends the person elsewhere (sign-in, the home page). An htmx request would otherwise follow
 * the redirect and swap a whole page into a fragment of the old one, so it gets HX-Redirect:
 * htmx then loads the new page in the whole tab.
 */
export function sendTo(c: GatewayContext, url: string): Response {
  if (!isHtmx(c)) return c.redirect(url, 303);
  c.header("HX-Redirect", url);
  return c.body(null, 200);
}

/** Guards the admin console: every route, every method. */
export function requireAdmin() {
  return createMiddleware<GatewayEnv>(async function requireAdmin(c, next) {
    const admission = await admit(c);
    if (admission.kind === "needs-password") return sendTo(c, loginUrl(c, new URL(currentPage(c), "http://x").pathname));
    if (admission.kind !== "in") return sendTo(c, "/");
    if (c.get("identity")?.user.role !== "admin") {
      throw new PublicError(`not an admin: ${actorOf(c).name}`, undefined, 403, "error.forbidden");
    }
    await next();
  });
}
