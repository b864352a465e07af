// Sign-in for accounts that need a password as well as their address; sign-out for everyone.
import { formFields } from "../../http/form-body";
import { safeNext } from "../../http/next-path";
import { LockedAttemptLog } from "../../auth/locked-attempt-log";
import { Hono } from "hono";
import { LoginPage } from "../../../views/login-page";
import { NoticePage } from "../../../views/notice-page";
import { formatDateTime } from "../../i18n/format";
import { parseAddress, parseRule, ruleMatches } from "../../net/ip";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { clearSessionCookie, setSessionCookie } from "../identity";

/** Verified against when the name is unknown, so a wrong name takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
function timingEqualiser(): Promise<string> {
  dummyHash ??= Bun.password.hash("timing-equaliser-not-a-password", { algorithm: "argon2id" });
  return dummyHash;
}

function field(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  return typeof value === "string" ? value : "";
}

function audit(c: GatewayContext, action: string, target: string, detail = ""): Promise<void> {
  return c.get("services").audit(actorOf(c), action, target, detail);
}

export function loginRoutes() {
  const app = new Hono<GatewayEnv>();
  const lockedAttempts = new LockedAttemptLog();

  app.get("/login", (c) => {
    if (c.get("identity")) return c.redirect(safeNext(c.req.query("next")), 303);
    const page = pageContext(c);
    const ended = c.req.query("ended");
    const reasons = ["revoked", "idle", "expired", "ended"] as const;
    const reason = reasons.find((r) => r === ended);
    const notice = reason ? page.t("session.ended", { reason: page.t(`session.reason.${reason}`) }) : undefined;
    return c.html(<LoginPage page={page} name={c.req.query("name") ?? ""} next={safeNext(c.req.query("next"))} notice={notice} />);
  });

  app.post("/login", async (c) => {
    const body = await formFields(c);
    const name = field(body, "name").trim().slice(0, 64);
    const password = field(body, "password");
    const next = safeNext(body.next);
    const page = pageContext(c);
    const { t, locale } = page;
    const address = c.get("clientAddressText");
    const { users, sessions, throttle } = c.get("services");
    const show = (error: string, status: 400 | 401 | 403 | 429) =>
      c.html(<LoginPage page={page} name={name} next={next} error={error} />, status);

    return throttle.serialize(address, async () => {
    const locked = await throttle.lockedUntil(name, address);
    if (locked) {
      const entry = lockedAttempts.admit(address);
      if (entry) await audit(c, "login.refused-locked", name, entry.skipped ? `not-recorded-since-last=${entry.skipped}` : "");
      return show(t("login.locked", { address, until: formatDateTime(locked, locale) }), 429);
    }
    const user = name ? await users.get(name) : undefined;
    const here = parseAddress(address);
    // The address is part of the credentials: from anywhere else the answer is the same as for a
    // wrong password, so the form cannot be used to test passwords from another machine.
    const addressOk =
      here !== null &&
      (user?.ipRules ?? []).some((text) => {
        const rule = parseRule(text);
        return rule.ok && ruleMatches(rule.rule, here);
      });
    let passwordOk = false;
    if (user?.hasPassword) passwordOk = await users.verifyPassword(user.id, password);
    else await Bun.password.verify(password || "x", await timingEqualiser());
    if (!user?.enabled || !passwordOk || !addressOk) {
      const left = await throttle.recordFailure(name, address);
      await audit(c, "login.failed", name);
      // This failure may have locked the name here, or the address as a whole.
      const until = await throttle.lockedUntil(name, address);
      if (until) {
        await audit(c, "login.lockout", name, `until=${until.toISOString()}`);
        return show(t("login.locked", { address, until: formatDateTime(until, locale) }), 429);
      }
      return show(t("login.failed", { left }), 401);
    }
    await throttle.clear(name, address);
    const actor = { name: user.name, address };
    const created = await sessions.create(user.id, address, c.req.header("user-agent") ?? "", "password", actor);
    setSessionCookie(c, created.token);
    const target = next === "/" ? (user.role === "admin" ? c.get("services").config.adminPath : "/app/") : next;
    return c.redirect(target, 303);
    });
  });

  app.post("/logout", async (c) => {
    const identity = c.get("identity");
    if (identity) {
      await c.get("services").sessions.end(identity.session.id, "logout");
      await audit(c, "logout", identity.user.name, `session=${identity.session.id}`);
    }
    clearSessionCookie(c);
    return c.redirect("/signed-out", 303);
  });

  app.get("/signed-out", (c) => {
    const page = pageContext(c);
    return c.html(
      <NoticePage page={page} title={page.t("signedOut.title")} tone="ok" id="signed-out">
        <p>{page.t("signedOut.body")}</p>
        <p>
          <a href="/">{page.t("signedOut.again")}</a>
        </p>
      </NoticePage>,
    );
  });
  return app;
}
