// Editing one user from the console: account details and the password, with the same rules as
// `5gfm user set` (UserStore), refusals shown beside the field they concern. Behind requireAdmin().
import { Hono } from "hono";
import { type AccountValues, UserEditor, type UserEditorOutcome, UserPage } from "../../../views/admin/user-page";
import { PublicError, publicMessage } from "../../errors";
import { formFields } from "../../http/form-body";
import { type UserChanges, UserFieldError, type UserRecord } from "../../users/user-store";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { requireAdmin } from "../identity";
import { isHtmx } from "../../http/htmx";
import { countPendingRequests } from "../pending-requests";

async function userOf(c: GatewayContext): Promise<UserRecord> {
  const id = Number(c.req.param("id"));
  const user = Number.isSafeInteger(id) && id > 0 ? await c.get("services").users.getById(id) : undefined;
  if (!user) throw PublicError.of(404, "user.error.noSuchUser");
  return user;
}

/**
 * The editor for htmx (always 200: htmx swaps in only successful answers, and a refusal is shown
 * in place); else the page: a redirect after a success, the page with errors after a refusal.
 */
function answer(c: GatewayContext, user: UserRecord, outcome: UserEditorOutcome) {
  const refused = outcome.error !== undefined || outcome.fieldErrors !== undefined;
  if (isHtmx(c)) return c.html(<UserEditor page={pageContext(c)} user={user} outcome={outcome} />);
  if (!refused) return c.redirect(`${c.get("services").config.adminPath}/users/${user.id}`, 303);
  return c.html(<UserPage page={pageContext(c)} user={user} outcome={outcome} />, 400);
}

/** Applies a change; a refusal becomes an outcome to show (beside its field when it has one). */
async function change(c: GatewayContext, user: UserRecord, changes: UserChanges, success: string, values?: AccountValues) {
  const { users } = c.get("services");
  try {
    // Setting one's own password keeps the session it was set in.
    const updated = await users.update(user.name, changes, actorOf(c), { keepSessionId: c.get("identity")?.session.id });
    return answer(c, updated, { message: success });
  } catch (error) {
    if (!(error instanceof PublicError) || error.status >= 500) throw error;
    const outcome: UserEditorOutcome = error instanceof UserFieldError ? { fieldErrors: { [error.field]: publicMessage(error, c.get("t")) } } : { error: publicMessage(error, c.get("t")) };
    return answer(c, (await users.getById(user.id)) ?? user, { ...outcome, values });
  }
}

export function adminUserEditRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());
  app.use(countPendingRequests());

  app.get("/users/:id{[0-9]+}", async (c) => c.html(<UserPage page={pageContext(c)} user={await userOf(c)} />));

  app.post("/users/:id{[0-9]+}/edit", async (c) => {
    const user = await userOf(c);
    const body = await formFields(c);
    const values: AccountValues = {
      displayName: body.displayName ?? "",
      role: body.role === "admin" ? "admin" : "user",
      addresses: body.addresses ?? "",
      requirePassword: body.requirePassword === "on",
      catalogEditor: body.catalogEditor === "on",
    };
    const changes: UserChanges = {
      displayName: values.displayName,
      role: values.role,
      ips: values.addresses.split(/[\s,]+/).filter(Boolean),
      requirePassword: values.requirePassword,
      catalogEditor: values.catalogEditor,
    };
    return change(c, user, changes, pageContext(c).t("admin.user.saved", { name: user.name }), values);
  });

  app.post("/users/:id{[0-9]+}/password", async (c) => {
    const user = await userOf(c);
    const body = await formFields(c);
    const { t } = pageContext(c);
    if ((body.password ?? "") !== (body.passwordAgain ?? "")) return answer(c, user, { fieldErrors: { passwordAgain: t("setup.mismatch") } });
    return change(c, user, { password: body.password ?? "" }, t("admin.user.passwordSet", { name: user.name }));
  });

  app.post("/users/:id{[0-9]+}/password/clear", async (c) => {
    const user = await userOf(c);
    return change(c, user, { clearPassword: true }, pageContext(c).t("admin.user.passwordCleared", { name: user.name }));
  });
  return app;
}
