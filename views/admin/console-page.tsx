import type { AccessRequest } from "../../src/access/access-request-store";
import { suggestUserName } from "../../src/access/access-request-store";
import type { Lockout } from "../../src/auth/login-throttle";
import type { ActiveSession } from "../../src/auth/session-store";
import type { InstanceInfo } from "../../src/instances/instance-pool";
import { formatDateTime } from "../../src/i18n/format";
import type { UserRecord } from "../../src/users/user-store";
import { ActionButton, Field, FormError, StatusNotice, TableCard, TableHead } from "../form";
import { Layout, type PageContext } from "../layout";
import { ConsoleLayout } from "./console-layout";

type OpenSession = ActiveSession & { userName: string };

/** Pending requests with one-click Approve / Reject; the htmx answer to either action too. */
export function AccessRequestsSection(props: {
  page: PageContext;
  requests: AccessRequest[];
  message?: string;
  error?: string;
}) {
  const { t, locale, adminPath } = props.page;
  return (
    <section class="card" id="access-requests">
      <h2>{t("admin.requests.title")}</h2>
      <StatusNotice message={props.message} />
      <FormError message={props.error} />
      {props.requests.length === 0 ? (
        <p class="muted">{t("admin.requests.none")}</p>
      ) : (
        <table>
          <TableHead labels={[t("admin.requests.address"), t("admin.requests.name"), t("admin.requests.reason"), t("admin.requests.when"), t("admin.requests.userName"), t("admin.requests.role"), ""]} />
          <tbody>
            {props.requests.map((request) => {
              const form = `approve-${request.id}`;
              return (
                <tr id={`request-${request.id}`}>
                  <td class="address">{request.address}</td>
                  <td>{request.name}</td>
                  <td>{request.reason}</td>
                  <td>{formatDateTime(request.createdAt, locale)}</td>
                  <td>
                    <input
                      form={form}
                      name="userName"
                      value={suggestUserName(request.name, request.address)}
                      required
                      aria-label={t("admin.requests.userName")}
                    />
                  </td>
                  <td>
                    <select form={form} name="role" aria-label={t("admin.requests.role")}>
                      <option value="user">{t("role.user")}</option>
                      <option value="admin">{t("role.admin")}</option>
                    </select>
                  </td>
                  <td class="actions">
                    <ActionButton
                      formId={form}
                      action={`${adminPath}/access-requests/${request.id}/approve`}
                      target="#access-requests"
                      label={t("admin.requests.approve")}
                    />
                    <ActionButton
                      action={`${adminPath}/access-requests/${request.id}/reject`}
                      target="#access-requests"
                      label={t("admin.requests.reject")}
                      secondary
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function SessionsSection(props: { page: PageContext; sessions: OpenSession[]; currentSessionId?: number; message?: string }) {
  const { t, locale, adminPath } = props.page;
  return (
    <TableCard
      id="sessions"
      title={t("admin.sessions.title")}
      message={props.message}
      none={t("admin.sessions.none")}
      labels={[t("admin.sessions.user"), t("admin.sessions.address"), t("admin.sessions.since"), t("admin.sessions.lastSeen"), t("admin.sessions.method"), ""]}
      rows={props.sessions.map((session) => (
        <tr id={`session-${session.id}`}>
          <td>{session.userName}</td>
          <td class="address">{session.address}</td>
          <td>{formatDateTime(session.createdAt, locale)}</td>
          <td>{formatDateTime(session.lastSeenAt, locale)}</td>
          <td>{t(`admin.sessions.method.${session.method}`)}</td>
          <td class="actions">
            {session.id === props.currentSessionId && <span class="muted">{t("admin.sessions.current")}</span>}
            {session.id !== props.currentSessionId && (
              <ActionButton action={`${adminPath}/sessions/${session.id}/revoke`} target="#sessions" label={t("admin.sessions.revoke")} secondary />
            )}
          </td>
        </tr>
      ))}
    />
  );
}

/** Sign-in lockouts in force, each with a button that lifts it before its time. */
export function LockoutsSection(props: { page: PageContext; lockouts: Lockout[]; message?: string }) {
  const { t, locale, adminPath } = props.page;
  return (
    <TableCard
      id="lockouts"
      title={t("admin.lockouts.title")}
      message={props.message}
      none={t("admin.lockouts.none")}
      labels={[t("admin.lockouts.name"), t("admin.sessions.address"), t("admin.lockouts.failures"), t("admin.lockouts.until"), ""]}
      rows={props.lockouts.map((lockout) => (
        <tr>
          <td>{lockout.name ?? <span class="muted">{t("admin.lockouts.anyName")}</span>}</td>
          <td class="address">{lockout.address}</td>
          <td>{lockout.failures}</td>
          <td>{formatDateTime(lockout.until, locale)}</td>
          <td class="actions">
            <ActionButton
              action={`${adminPath}/lockouts/lift`}
              target="#lockouts"
              label={t("admin.lockouts.lift")}
              fields={lockout.name === undefined ? { address: lockout.address } : { address: lockout.address, name: lockout.name }}
              secondary
            />
          </td>
        </tr>
      ))}
    />
  );
}

export function megabytes(bytes: number | null): string {
  return bytes === null ? "" : `${Math.round(bytes / 2 ** 20)} MB`;
}

/** Each user's feature app with Start / Stop / Restart; a failed one shows its error. */
export function InstancesSection(props: { page: PageContext; instances: InstanceInfo[]; message?: string; error?: string }) {
  const { t, locale, adminPath } = props.page;
  return (
    <section class="card" id="instances" hx-get={`${adminPath}/fragments/instances`} hx-trigger="every 5s" hx-swap="outerHTML">
      <h2>{t("admin.instances.title")}</h2>
      <StatusNotice message={props.message} />
      <FormError message={props.error} />
      {props.instances.length === 0 ? (
        <p class="muted">{t("admin.instances.none")}</p>
      ) : (
        <table>
          <TableHead
            labels={[
              t("admin.instances.user"),
              t("admin.instances.node"),
              t("admin.instances.port"),
              t("admin.instances.pid"),
              t("admin.instances.state"),
              t("admin.instances.since"),
              t("admin.instances.ready"),
              t("admin.instances.memory"),
              t("admin.instances.cpu"),
              t("admin.instances.sockets"),
              t("admin.instances.lastActivity"),
              t("admin.instances.restarts"),
              "",
            ]}
          />
          <tbody>
            {props.instances.map((instance) => {
              const base = `${adminPath}/instances/${instance.userId}`;
              const live = instance.state === "running" || instance.state === "starting";
              return (
                <tr id={`instance-${instance.local ? "" : "remote-"}${instance.key.replace(":", "-")}`} class={`state-${instance.state}`}>
                  <td>{instance.userName || t("admin.instances.spare")}</td>
                  <td class="node">{instance.local ? t("admin.instances.thisNode", { node: instance.node }) : instance.node}</td>
                  <td>{instance.port || ""}</td>
                  <td>{instance.pid ?? ""}</td>
                  <td>
                    <span class={`badge state-${instance.state}`}>{t(`admin.instances.state.${instance.state}`)}</span>
                    {instance.lastError && <small class="muted error-detail">{instance.lastError}</small>}
                  </td>
                  <td>{instance.startedAt ? formatDateTime(instance.startedAt, locale) : ""}</td>
                  <td>{instance.readyMs === null ? "" : `${instance.readyMs} ms`}</td>
                  <td>{megabytes(instance.rssBytes)}</td>
                  <td>{instance.cpuPercent === null ? "" : `${instance.cpuPercent}%`}</td>
                  <td>{instance.openWebSockets}</td>
                  <td>{formatDateTime(instance.lastActivityAt, locale)}</td>
                  <td>{instance.restarts}</td>
                  <td class="actions">
                    {instance.userId !== null && instance.local && (
                      <>
                        {live ? (
                          <ActionButton
                            action={`${base}/stop`}
                            target="#instances"
                            label={t("admin.instances.stop")}
                            about={instance.userName}
                            confirm={t("admin.instances.confirm.stop", { name: instance.userName })}
                            secondary
                          />
                        ) : (
                          <ActionButton action={`${base}/start`} target="#instances" label={t("admin.instances.start")} about={instance.userName} />
                        )}
                        <ActionButton
                          action={`${base}/restart`}
                          target="#instances"
                          label={t("admin.instances.restart")}
                          about={instance.userName}
                          confirm={t("admin.instances.confirm.restart", { name: instance.userName })}
                          secondary
                        />
                        <a href={`${base}/log`}>{t("admin.instances.log")}</a>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function InstanceLogPage(props: { page: PageContext; userName: string; lines: string[] }) {
  const { t } = props.page;
  const title = t("admin.instances.logTitle", { name: props.userName });
  return (
    <Layout page={props.page} title={title}>
      <h1>{title}</h1>
      <p>
        <a href={props.page.adminPath}>{t("admin.title")}</a>
      </p>
      {props.lines.length === 0 ? <p class="muted">{t("admin.instances.logEmpty")}</p> : (
        <pre id="instance-log" tabindex={0}>
          {props.lines.join("\n")}
        </pre>
      )}
    </Layout>
  );
}

/** `outOfBand` lets an htmx answer about something else (an approval) refresh this table too. */
export interface NewUserValues {
  name: string;
  displayName: string;
  role: "admin" | "user";
  addresses: string;
  catalogEditor: boolean;
}

/** Adding a user from the console; the same fields and checks as `5gfm user add`. */
function AddUserForm(props: { page: PageContext; values?: NewUserValues }) {
  const { t, adminPath } = props.page;
  const values = props.values ?? { name: "", displayName: "", role: "user", addresses: "", catalogEditor: false };
  return (
    <details class="add-user" open={props.values !== undefined}>
      <summary>{t("admin.users.add")}</summary>
      <form method="post" action={`${adminPath}/users`} hx-post={`${adminPath}/users`} hx-target="#users" hx-swap="outerHTML" class="grid-form">
        <Field label={t("admin.users.name")} name="name" value={values.name} required maxlength={64} />
        <Field label={t("setup.displayName")} name="displayName" value={values.displayName} maxlength={100} />
        <div class="field">
          <label for="field-role">{t("admin.users.role")}</label>
          <select id="field-role" name="role">
            <option value="user" selected={values.role === "user"}>{t("role.user")}</option>
            <option value="admin" selected={values.role === "admin"}>{t("role.admin")}</option>
          </select>
        </div>
        <Field label={t("admin.users.addressesHint")} name="addresses" value={values.addresses} required />
        <Field label={t("admin.users.passwordOptional")} name="password" type="password" autocomplete="new-password" />
        <div class="field">
          <label>
            <input type="checkbox" name="catalogEditor" checked={values.catalogEditor} /> {t("admin.user.catalogEditor")}
          </label>
        </div>
        <button type="submit">{t("admin.users.add")}</button>
      </form>
    </details>
  );
}

export function UsersSection(props: {
  page: PageContext;
  users: UserRecord[];
  outOfBand?: boolean;
  message?: string;
  error?: string;
  values?: NewUserValues;
}) {
  const { t, adminPath } = props.page;
  return (
    <section class="card" id="users" hx-swap-oob={props.outOfBand ? "true" : undefined}>
      <h2>{t("admin.users.title")}</h2>
      <StatusNotice message={props.message} />
      <FormError message={props.error} />
      <AddUserForm page={props.page} values={props.values} />
      <table>
        <TableHead labels={[t("admin.users.name"), t("admin.users.role"), t("admin.users.addresses"), t("admin.users.state"), ""]} />
        <tbody>
          {props.users.map((user) => (
            <tr id={`user-${user.name}`}>
              <td>
                {user.name}
                {user.displayName && <span class="muted"> ({user.displayName})</span>}
              </td>
              <td>
                {t(`role.${user.role}`)}
                {user.role === "user" && user.catalogEditor && (
                  <>
                    {" "}
                    <span class="badge">{t("admin.users.catalogEditorBadge")}</span>
                  </>
                )}
              </td>
              <td class="address">{user.ipRules.join(", ")}</td>
              <td>
                {user.enabled ? t("admin.users.enabled") : t("admin.users.disabled")}
                {user.hasPassword && `, ${t(user.requirePassword ? "admin.users.passwordRequired" : "admin.users.passwordNotRequired")}`}
              </td>
              <td class="actions">
                <a href={`${adminPath}/users/${user.id}`}>{t("admin.users.edit")}</a>
                <ActionButton
                  action={`${adminPath}/users/${user.id}/${user.enabled ? "disable" : "enable"}`}
                  target="#users"
                  label={t(user.enabled ? "admin.users.disable" : "admin.users.enable")}
                  secondary
                />
                <ActionButton
                  action={`${adminPath}/users/${user.id}/remove`}
                  target="#users"
                  label={t("admin.users.remove")}
                  confirm={t("admin.users.removeConfirm", { name: user.name })}
                  secondary
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AccessPage(props: { page: PageContext; requests: AccessRequest[]; users: UserRecord[]; error?: string }) {
  return (
    <ConsoleLayout page={props.page} tab="access">
      <AccessRequestsSection page={props.page} requests={props.requests} error={props.error} />
      <UsersSection page={props.page} users={props.users} />
    </ConsoleLayout>
  );
}

export function SessionsPage(props: { page: PageContext; sessions: OpenSession[]; currentSessionId: number; lockouts: Lockout[] }) {
  return (
    <ConsoleLayout page={props.page} tab="sessions">
      <SessionsSection page={props.page} sessions={props.sessions} currentSessionId={props.currentSessionId} />
      <LockoutsSection page={props.page} lockouts={props.lockouts} />
    </ConsoleLayout>
  );
}
