import { Hono } from "hono";
import { HomePage, type Visitor } from "../../../views/home-page";
import { isLoopback } from "../../net/ip";
import { type GatewayEnv, pageContext } from "../context";

export function homeRoutes() {
  const app = new Hono<GatewayEnv>();
  app.get("/", async (c) => {
    const users = c.get("users");
    const address = c.get("clientAddress");
    const all = await users.list();
    let visitor: Visitor;
    if (!all.some((u) => u.role === "admin" && u.enabled)) {
      visitor = { kind: "not-set-up", fromThisMachine: address !== null && isLoopback(address) };
    } else {
      const user = address ? await users.findByAddress(address) : undefined;
      visitor = user ? { kind: "known", user } : { kind: "unknown" };
    }
    return c.html(<HomePage page={pageContext(c)} address={c.get("clientAddressText")} visitor={visitor} />);
  });
  return app;
}
