// First run: while no admin exists, the machine itself (and only it) creates the first one.
import { formFields } from "../../http/form-body";
import { Hono } from "hono";
import { NoticePage } from "../../../views/notice-page";
import { SetupPage, type SetupValues } from "../../../views/setup-page";
import { PublicError, publicMessage } from "../../errors";
import { isThisMachine, parseRule, ruleMatches } from "../../net/ip";
import { type GatewayContext, type GatewayEnv, pageContext } from "../context";
import { setSessionCookie } from "../identity";

function formString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  return typeof value === "string" ? value : "";
}

export function setupRoutes() {
  const app = new Hono<GatewayEnv>();

  /** Undefined when setup may go ahead; otherwise the response to give instead. */
  async function refuse(c: GatewayContext) {
    if (await c.get("services").users.hasEnabledAdmin()) return c.redirect("/", 303);
    const address = c.get("clientAddress");
    if (address && isThisMachine(address)) return undefined;
    const page = pageContext(c);
    return c.html(
      <NoticePage page={page} title={page.t("notSetUp.title")} tone="warn" id="not-set-up">
        <p>{page.t("notSetUp.body")}</p>
      </NoticePage>,
      403,
    );
  }

  app.get("/", async (c) => {
    const refused = await refuse(c);
    if (refused) return refused;
    const here = c.get("clientAddressText");
    const addresses = [...new Set([here, "127.0.0.1", "::1"])].join("\n");
    return c.html(<SetupPage page={pageContext(c)} values={{ name: "admin", displayName: "", addresses }} />);
  });

  app.post("/", async (c) => {
    const refused = await refuse(c);
    if (refused) return refused;
    const body = await formFields(c);
    const values: SetupValues = {
      name: formString(body, "name"),
      displayName: formString(body, "displayName"),
      addresses: formString(body, "addresses"),
    };
    const page = pageContext(c);
    const fail = (error: string) => c.html(<SetupPage page={page} values={values} error={error} />, 400);
    const password = formString(body, "password");
    if (password !== formString(body, "passwordAgain")) return fail(page.t("setup.mismatch"));
    const ips = values.addresses.split(/[\s,]+/).filter(Boolean);
    const here = c.get("clientAddress")!;
    const coversHere = ips.some((ip) => {
      const parsed = parseRule(ip);
      return parsed.ok && ruleMatches(parsed.rule, here);
    });
    if (!coversHere) return fail(page.t("setup.mustIncludeHere", { address: c.get("clientAddressText") }));

    const actor = { name: values.name.trim(), address: c.get("clientAddressText") };
    const { users, sessions, config } = c.get("services");
    let userId: number;
    try {
      const admin = await users.addFirstAdmin({ name: values.name, displayName: values.displayName, ips, password }, actor);
      userId = admin.id;
    } catch (error) {
      if (error instanceof PublicError && error.status < 500) return fail(publicMessage(error, page.t));
      throw error;
    }
    const created = await sessions.create(userId, actor.address, c.req.header("user-agent") ?? "", "password", actor);
    setSessionCookie(c, created.token);
    return c.redirect(config.adminPath, 303);
  });
  return app;
}
