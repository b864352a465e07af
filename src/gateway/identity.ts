// Who is asking: the session cookie if it is valid for this address, else the IP rules. Each rule
// is a plain function of the request's parts, used by the router's middleware (Hono) and by the
// route of the users' app traffic (app-route.ts) alike.
import { createMiddleware } from "hono/factory";
import { generateCookie } from "hono/cookie";
import { parse as parseCookies } from "hono/utils/cookie";
import { PublicError } from "../errors";
import type { ClientAddress } from "../http/client-address";
import type { UserRecord } from "../users/user-store";
import type { SessionLookup } from "../auth/session-store";
import { type GatewayContext, type GatewayEnv, type GatewayServices, type Identity, type SessionEnded, actorOf } from "./context";
import { IdentityCache } from "./identity-cache";
import { isHtmx } from "../http/htmx";

export const SESSION_COOKIE = "fgm_session";

/** The Set-Cookie value of a session: HttpOnly, SameSite=Lax, Secure under TLS, and no expiry, so it ends with the browser. */
export function sessionCookie(token: string, https: boolean): string {
  return generateCookie(SESSION_COOKIE, token, { path: "/", httpOnly: true, sameSite: "Lax", secure: https });
}

/** The Set-Cookie value that removes a session cookie that no longer works. */
export const CLEARED_SESSION_COOKIE = generateCookie(SESSION_COOKIE, "", { path: "/", maxAge: 0 });

/** The session cookie a request carries, if any. */
export function sessionToken(headers: Headers): string | undefined {
  const cookies = headers.get("cookie");
  return cookies ? parseCookies(cookies, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
}

export function setSessionCookie(c: GatewayContext, token: string): void {
  c.header("set-cookie", sessionCookie(token, c.get("services").https), { append: true });
}

export function clearSessionCookie(c: GatewayContext): void {
  c.header("set-cookie", CLEARED_SESSION_COOKIE, { append: true });
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

/** What a request's session cookie amounts to: who it is, or why the cookie stopped working. */
export interface ResolvedSession {
  identity: Identity | null;
  ended: SessionEnded | null;
  /** The cookie no longer works and is removed (not when it is only used from another address). */
  clearCookie: boolean;
}

const NO_SESSION: ResolvedSession = { identity: null, ended: null, clearCookie: false };

export async function resolveSession(
  services: Pick<GatewayServices, "sessions" | "users">,
  cache: IdentityCache,
  token: string | undefined,
  address: string,
): Promise<ResolvedSession> {
  if (!token) return NO_SESSION;
  const found = await confirmIdentity(services, cache, token, address);
  if (found.ok) return { identity: found.identity, ended: null, clearCookie: false };
  if (found.reason === "other-address") return NO_SESSION;
  const ended = found.reason === "revoked" || found.reason === "idle" || found.reason === "expired" || found.reason === "ended" ? found.reason : null;
  return { identity: null, ended, clearCookie: true };
}

/**
 * Resolves the session cookie into c.var.identity; a cookie that no longer works is removed.
 * Confirmed identities are cached briefly (identity-cache.ts). A state-changing request to the
 * gateway's own pages made by someone signed in (signing out, the admin console revoking a session
 * or changing a user) empties that cache when it succeeded, so its effect is seen by the very next
 * request. Nothing else can change a cached identity: an anonymous request has no user or session
 * to change (signing in and setup create new ones, never cached yet), a refused one changed
 * nothing, and the users' own app traffic (/app/…, which never passes here) changes no user or
 * session. So a flood of anonymous or failing posts cannot keep the cache empty.
 */
export function sessionMiddleware(cache = new IdentityCache()) {
  return createMiddleware<GatewayEnv>(async function session(c, next) {
    const resolved = await resolveSession(c.get("services"), cache, sessionToken(c.req.raw.headers), c.get("clientAddressText"));
    c.set("identity", resolved.identity);
    c.set("sessionEnded", resolved.ended);
    if (resolved.clearCookie) clearSessionCookie(c);
    const changesState = !SAFE_METHODS.has(c.req.method);
    try {
      await next();
    } finally {
      if (changesState && resolved.identity && c.res.status < 400) cache.clear();
    }
  });
}

export type Admission =
  | { kind: "in"; identity: Identity; /** A session started just now: its cookie goes with the answer. */ startedToken?: string }
  | { kind: "cross-site" }
  | { kind: "not-set-up" }
  | { kind: "unknown" }
  | { kind: "disabled"; user: UserRecord }
  | { kind: "needs-password"; user: UserRecord };

/** The parts of a request that decide whether its sender is let in. */
export interface Visitor {
  identity: Identity | null;
  address: ClientAddress;
  headers: Headers;
}

/**
 * Lets the visitor in if they can be: an existing session, or an IP rule that is enough on its
 * own (then a session is started). Otherwise says why not.
 */
export async function admitVisitor(services: Pick<GatewayServices, "users" | "sessions">, visitor: Visitor): Promise<Admission> {
  if (visitor.identity) return { kind: "in", identity: visitor.identity };
  const { users, sessions } = services;
  if (!(await users.hasEnabledAdmin())) return { kind: "not-set-up" };
  const { address, text } = visitor.address;
  const user = address ? await users.findByAddress(address) : undefined;
  if (!user) return { kind: "unknown" };
  if (!user.enabled) return { kind: "disabled", user };
  if (user.requirePassword) return { kind: "needs-password", user };
  const { headers } = visitor;
  // Another site's <img>, <script> or fetch pointing here is no visit of this person: it starts no
  // session (and counts none). A link they follow from another site is a navigation, and does.
  if (headers.get("sec-fetch-site") === "cross-site" && headers.get("sec-fetch-mode") !== "navigate") return { kind: "cross-site" };
  const actor = { name: user.name, address: text };
  const created = await sessions.create(user.id, text, headers.get("user-agent") ?? "", "address", actor, startedBy(headers));
  const found = await sessions.lookup(created.token, text);
  if (!found.ok) throw new Error(`the session just started for ${user.name} could not be read back (${found.reason})`);
  return { kind: "in", identity: { user, session: found.session }, startedToken: created.token };
}

/** admitVisitor for the gateway's own pages: a session started here sets its cookie and c.var.identity. */
export async function admit(c: GatewayContext): Promise<Admission> {
  const address = { address: c.get("clientAddress"), text: c.get("clientAddressText") };
  const admission = await admitVisitor(c.get("services"), { identity: c.get("identity"), address, headers: c.req.raw.headers });
  if (admission.kind === "in" && admission.startedToken) {
    setSessionCookie(c, admission.startedToken);
    c.set("identity", admission.identity);
  }
  return admission;
}

/**
 * A session a page navigation starts is a visit; one a script or API call starts (no such
 * header: curl, a script's fetch) is counted apart, and becomes a visit if its page opens the app.
 */
function startedBy(headers: Headers): "page" | "script" {
  return headers.get("sec-fetch-mode") === "navigate" || headers.get("sec-fetch-dest") === "document" ? "page" : "script";
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
