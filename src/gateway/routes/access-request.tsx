// The access-denied page's form: an unregistered visitor asks the admin to let them in.
import { formFields } from "../../http/form-body";
import { Hono } from "hono";
import { AccessRequestForm, DeniedPage } from "../../../views/denied-page";
import { PublicError, publicMessage } from "../../errors";
import { type GatewayEnv, pageContext } from "../context";
import { admit } from "../identity";
import { isHtmx } from "../../http/htmx";

export function accessRequestRoutes() {
  const app = new Hono<GatewayEnv>();
  app.post("/", async (c) => {
    const admission = await admit(c);
    // Only a visitor the gateway does not know can ask; anyone else goes back to the start page.
    if (admission.kind !== "unknown") return c.redirect("/", 303);
    const body = await formFields(c);
    const values = { name: String(body.name ?? ""), reason: String(body.reason ?? "") };
    const address = c.get("clientAddressText");
    const page = pageContext(c);
    const htmx = isHtmx(c);
    const { accessRequests } = c.get("services");
    try {
      const pending = await accessRequests.submit(address, values);
      if (htmx) return c.html(<AccessRequestForm page={page} pending={pending} />);
      return c.html(<DeniedPage page={page} address={address} pending={pending} />, 403);
    } catch (error) {
      if (!(error instanceof PublicError) || error.status >= 500) throw error;
      const pending = await accessRequests.pendingFor(address);
      // htmx swaps only successful answers, so its fragment carries the error with 200.
      if (htmx) return c.html(<AccessRequestForm page={page} values={values} error={publicMessage(error, page.t)} pending={pending} />);
      return c.html(<DeniedPage page={page} address={address} pending={pending} values={values} error={publicMessage(error, page.t)} />, 400);
    }
  });
  return app;
}
