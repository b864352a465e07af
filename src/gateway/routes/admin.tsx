// The admin console's users-and-access, sessions and instance pages and their actions.
// Every route here sits behind requireAdmin().
import { formFields } from "../../http/form-body";
import { Hono } from "hono";
import {
  AccessRequestsSection,
  AccessPage,
  type NewUserValues,
  InstanceLogPage,
  InstancesSection,
  LockoutsSection,
  SessionsPage,
  SessionsSection,
  UsersSection,
} from "../../../views/admin/console-page";
import type { Actor } from "../../audit";
import type { InstancePool, PoolUser } from "../../instances/instance-pool";
import type { UserStore } from "../../users/user-store";
import { PublicError, publicMessage } from "../../errors";
import { type GatewayContext, type GatewayEnv, actorOf, pageContext } from "../context";
import { requireAdmin } from "../identity";
import { isHtmx } from "../../http/htmx";
import { countPendingRequests } from "../pending-requests";
import { PendingBadge } from "../../../views/admin/console-layout";

function idParam(c: GatewayContext): number {
  const id = Number(c.req.param("id"));
  if (!Number.isSafeInteger(id) || id <= 0) throw new PublicError("no such item", undefined, 404);
  return id;
}

export function adminRoutes() {
  const app = new Hono<GatewayEnv>();
  app.use(requireAdmin());
  app.use(countPendingRequests());

  app.get("/access", async (c) => {
    const { users, accessRequests } = c.get("services");
    return c.html(<AccessPage page={pageContext(c)} requests={await accessRequests.listPending()} users={await users.list()} />);
  });

  /** The users table as the answer to a change: the fragment for htmx, else the page. */
  const usersAnswer = async (c: GatewayContext, outcome: { message?: string; error?: string; values?: NewUserValues }) => {
    const { users, accessRequests, config } = c.get("services");
    const page = pageContext(c);
    const status = outcome.error ? 400 : 200;
    if (isHtmx(c)) {
      return c.html(<UsersSection page={page} users={await users.list()} {...outcome} />);
    }
    if (!outcome.error) return c.redirect(`${config.adminPath}/access`, 303);
    return c.html(<AccessPage page={page} requests={await accessRequests.listPending()} users={await users.list()} error={outcome.error} />, status);
  };

  app.post("/users", async (c) => {
    const body = await formFields(c);
    const values: NewUserValues = {
      name: body.name ?? "",
      displayName: body.displayName ?? "",
      role: body.role === "admin" ? "admin" : "user",
      addresses: body.addresses ?? "",
      catalogEditor: body.catalogEditor === "on",
    };
    const ips = values.addresses.split(/[\s,]+/).filter(Boolean);
    // The command line may add a user before their address is known; the console asks for it.
    if (ips.length === 0) return usersAnswer(c, { error: c.get("t")("user.error.noAddress"), values });
    try {
      const user = await c.get("services").users.add(
        {
          name: values.name,
          displayName: values.displayName,
          role: values.role,
          ips,
          password: body.password ? body.password : undefined,
          catalogEditor: values.catalogEditor,
        },
        actorOf(c),
      );
      return usersAnswer(c, { message: pageContext(c).t("admin.users.added", { name: user.name }) });
    } catch (error) {
      if (error instanceof PublicError && error.status < 500) return usersAnswer(c, { error: publicMessage(error, c.get("t")), values });
      throw error;
    }
  });

  const userActions = {
    enable: (users: UserStore, name: string, actor: Actor) => users.update(name, { enabled: true }, actor),
    disable: (users: UserStore, name: string, actor: Actor) => users.update(name, { enabled: false }, actor),
    remove: (users: UserStore, name: string, actor: Actor) => users.remove(name, actor),
  } as const;

  for (const [action, run] of Object.entries(userActions)) {
    // The id's pattern matches the user pages' (admin-user-edit.tsx): one parameter with two
    // patterns would put every request on Hono's slower TrieRouter instead of its RegExpRouter.
    app.post(`/users/:id{[0-9]+}/${action}`, async (c) => {
      const { users } = c.get("services");
      const user = await users.getById(idParam(c));
      if (!user) throw PublicError.of(404, "user.error.noSuchUser");
      try {
        await run(users, user.name, actorOf(c));
      } catch (error) {
        if (error instanceof PublicError && error.status < 500) return usersAnswer(c, { error: publicMessage(error, c.get("t")) });
        throw error;
      }
      // Their sessions have ended; their app (and any WebSocket to it) ends with them.
      if (action !== "enable") await c.get("services").pool.stop(user.id, `user ${action}d by the administrator`);
      const { t } = pageContext(c);
      return usersAnswer(c, { message: t(`admin.users.done.${action as keyof typeof userActions}`, { name: user.name }) });
    });
  }

  app.get("/sessions", async (c) => {
    const { sessions, throttle } = c.get("services");
    return c.html(
      <SessionsPage
        page={pageContext(c)}
        sessions={await sessions.listOpen()}
        currentSessionId={c.get("identity")!.session.id}
        lockouts={await throttle.lockouts()}
      />,
    );
  });

  app.post("/lockouts/lift", async (c) => {
    const body = await formFields(c);
    const address = String(body.address ?? "").trim();
    const name = body.name === undefined ? undefined : String(body.name).trim().toLowerCase();
    if (!address || address.length > 100 || (name !== undefined && (!name || name.length > 100))) {
      throw new PublicError("a lockout is named by its address (and name)", undefined, 400, "admin.lockouts.bad");
    }
    const { throttle, config, audit } = c.get("services");
    await throttle.lift(address, name);
    await audit(actorOf(c), "login.unlock", name ?? "*", `address=${address}`);
    if (!isHtmx(c)) return c.redirect(`${config.adminPath}/sessions`, 303);
    const page = pageContext(c);
    const who = name ?? page.t("admin.lockouts.anyName");
    return c.html(<LockoutsSection page={page} lockouts={await throttle.lockouts()} message={page.t("admin.lockouts.lifted", { who, address })} />);
  });

  const requestsAnswer = async (c: GatewayContext, outcome: { message?: string; error?: string }) => {
    const { accessRequests, users, config } = c.get("services");
    const page = pageContext(c);
    if (!isHtmx(c)) {
      if (!outcome.error) return c.redirect(`${config.adminPath}/access`, 303);
      const requests = await accessRequests.listPending();
      return c.html(
        <AccessPage page={page} requests={requests} users={await users.list()} error={outcome.error} />,
        400,
      );
    }
    const requests = await accessRequests.listPending();
    return c.html(
      <>
        <AccessRequestsSection page={page} requests={requests} {...outcome} />
        <UsersSection page={page} users={await users.list()} outOfBand />
        <PendingBadge page={page} count={requests.length} outOfBand />
      </>,
    );
  };

  app.post("/access-requests/:id/approve", async (c) => {
    const id = idParam(c);
    const body = await formFields(c);
    const role = body.role === "admin" ? "admin" : "user";
    const { accessRequests } = c.get("services");
    const request = (await accessRequests.listPending()).find((r) => r.id === id);
    try {
      await accessRequests.approve(id, { userName: String(body.userName ?? ""), role }, actorOf(c));
    } catch (error) {
      if (error instanceof PublicError && error.status < 500) return requestsAnswer(c, { error: publicMessage(error, c.get("t")) });
      throw error;
    }
    const { t } = pageContext(c);
    return requestsAnswer(c, { message: t("admin.requests.approved", { name: String(body.userName), address: request?.address ?? "" }) });
  });

  app.post("/access-requests/:id/reject", async (c) => {
    const id = idParam(c);
    const { accessRequests } = c.get("services");
    const request = (await accessRequests.listPending()).find((r) => r.id === id);
    try {
      await accessRequests.reject(id, actorOf(c));
    } catch (error) {
      if (error instanceof PublicError && error.status < 500) return requestsAnswer(c, { error: publicMessage(error, c.get("t")) });
      throw error;
    }
    return requestsAnswer(c, { message: pageContext(c).t("admin.requests.rejected", { address: request?.address ?? "" }) });
  });

  app.post("/sessions/:id/revoke", async (c) => {
    const id = idParam(c);
    const { sessions, config } = c.get("services");
    await sessions.revoke(id, actorOf(c));
    if (!isHtmx(c)) return c.redirect(`${config.adminPath}/sessions`, 303);
    const page = pageContext(c);
    return c.html(
      <SessionsSection
        page={page}
        sessions={await sessions.listOpen()}
        currentSessionId={c.get("identity")!.session.id}
        message={page.t("admin.sessions.revoked")}
      />,
    );
  });
  async function instanceUser(c: GatewayContext) {
    const user = await c.get("services").users.getById(idParam(c));
    if (!user) throw PublicError.of(404, "user.error.noSuchUser");
    return { id: user.id, name: user.name, displayName: user.displayName, role: user.role };
  }

  const instanceActions = {
    start: (pool: InstancePool, user: PoolUser) => pool.retry(user),
    stop: (pool: InstancePool, user: PoolUser) => pool.stop(user.id, "stopped by the administrator"),
    restart: (pool: InstancePool, user: PoolUser) => pool.restart(user, "restarted by the administrator"),
  } as const;

  for (const [action, run] of Object.entries(instanceActions)) {
    app.post(`/instances/:id/${action}`, async (c) => {
      const user = await instanceUser(c);
      const { pool, config } = c.get("services");
      let error: string | undefined;
      try {
        await run(pool, user);
      } catch (failure) {
        error = (failure as Error).message;
      }
      await c.get("services").audit(actorOf(c), `instance.${action}`, user.name, error ?? "");
      if (!isHtmx(c)) return c.redirect(config.adminPath, 303);
      const page = pageContext(c);

      return c.html(
        <InstancesSection
          page={page}
          instances={await pool.listAllNodes()}
          message={error ? undefined : page.t(`admin.instances.done.${action as keyof typeof instanceActions}`, { name: user.name })}
          error={error}
        />,
      );
    });
  }

  app.get("/instances/:id/log", async (c) => {
    const user = await instanceUser(c);
    return c.html(<InstanceLogPage page={pageContext(c)} userName={user.name} lines={c.get("services").pool.logTail(user.id)} />);
  });
  return app;
}
