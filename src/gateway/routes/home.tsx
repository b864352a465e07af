import { Hono } from "hono";
import { DeniedPage } from "../../../views/denied-page";
import { NoticePage } from "../../../views/notice-page";
import { isThisMachine } from "../../net/ip";
import { type GatewayContext, type GatewayEnv, pageContext } from "../context";
import { type Admission, admit, currentPage, loginUrl, sendTo } from "../identity";
import { isHtmx } from "../../http/htmx";

/** The answer for a visitor who is not (yet) let in, whatever page they asked for. */
export async function turnAway(c: GatewayContext, admission: Exclude<Admission, { kind: "in" }>, next: string) {
  // A fragment request from a page whose session has ended: the whole tab goes to where a visit would.
  if (isHtmx(c)) return sendTo(c, admission.kind === "needs-password" ? loginUrl(c, currentPage(c)) : "/");
  const page = pageContext(c);
  const { t } = page;
  switch (admission.kind) {
    case "cross-site":
      return c.text("cross-site request refused", 403);
    case "not-set-up": {
      const address = c.get("clientAddress");
      if (address && isThisMachine(address)) return c.redirect("/setup", 303);
      return c.html(
        <NoticePage page={page} title={t("notSetUp.title")} tone="warn" id="not-set-up">
          <p>{t("notSetUp.body")}</p>
        </NoticePage>,
        503,
      );
    }
    case "needs-password":
      return c.redirect(loginUrl(c, next), 303);
    case "disabled":
      return c.html(
        <NoticePage page={page} title={t("disabled.title")} tone="bad" id="disabled">
          <p>{t("disabled.body", { name: admission.user.name })}</p>
        </NoticePage>,
        403,
      );
    case "unknown": {
      const address = c.get("clientAddressText");
      const { accessRequests } = c.get("services");
      const [pending, decided] = await Promise.all([accessRequests.pendingFor(address), accessRequests.latestDecided(address)]);
      return c.html(<DeniedPage page={page} address={address} pending={pending} decided={decided} />, 403);
    }
  }
}

export function homeRoutes() {
  const app = new Hono<GatewayEnv>();

  app.get("/", async (c) => {
    const admission = await admit(c);
    if (admission.kind !== "in") return turnAway(c, admission, "/");
    const role = c.get("identity")?.user.role;
    return c.redirect(role === "admin" ? c.get("services").config.adminPath : "/app/", 303);
  });

  return app;
}
