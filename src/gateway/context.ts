import type { Context } from "hono";
import type { PageContext } from "../../views/layout";
import type { AccessRequestStore } from "../access/access-request-store";
import type { Actor } from "../audit";
import type { LoginThrottle } from "../auth/login-throttle";
import type { ActiveSession, SessionStore } from "../auth/session-store";
import type { Config } from "../config";
import type { LiveSettings } from "../settings/live-settings";
import type { BackupScheduler } from "../db/backup-schedule";
import type { Database } from "../db/open";
import type { InstancePool } from "../instances/instance-pool";
import type { DwellTracker } from "../monitoring/dwell-tracker";
import type { MetricsSampler } from "../monitoring/sampler";
import type { Statistics } from "../monitoring/statistics";
import type { ClientAddressVariables, ServerBindings } from "../http/client-address";
import type { LocaleVariables } from "../i18n/locale";
import type { UserRecord, UserStore } from "../users/user-store";

export interface GatewayServices {
  /** The running settings; read it on each use, the console can change live ones at any time. */
  readonly config: Config;
  /** Browsers reach the gateway over HTTPS. */
  https: boolean;
  live: LiveSettings;
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  accessRequests: AccessRequestStore;
  audit(actor: Actor, action: string, target: string, detail?: string): Promise<void>;
  pool: InstancePool;
  sampler: MetricsSampler;
  dwell: DwellTracker;
  statistics: Statistics;
  db: Database;
  logTail: (lines: number) => string[];
  backups?: BackupScheduler;
}

export interface Identity {
  user: UserRecord;
  session: ActiveSession;
}

/** Why a browser's session cookie stopped working, to tell them on the sign-in page. */
export type SessionEnded = "revoked" | "idle" | "expired" | "ended";

export type GatewayEnv = {
  Bindings: ServerBindings;
  Variables: LocaleVariables &
    ClientAddressVariables & {
      services: GatewayServices;
      /** The signed-in person, from a valid session cookie; null when there is none. */
      identity: Identity | null;
      /** Why the browser's session cookie stopped working, to tell them on the sign-in page. */
      sessionEnded: SessionEnded | null;
      /** Access requests waiting, counted for an admin's console pages (the menu's badge). */
      pendingRequests?: number;
    };
};

export type GatewayContext = Context<GatewayEnv>;

/** What every page needs from the request: language, the signed-in person, where the language switch returns. */
export function pageContext(c: GatewayContext): PageContext {
  const url = new URL(c.req.url);
  const identity = c.get("identity");
  return {
    locale: c.get("locale"),
    t: c.get("t"),
    currentPath: `${url.pathname}${url.search}`,
    user: identity ? { name: identity.user.name, displayName: identity.user.displayName, role: identity.user.role } : undefined,
    adminPath: c.get("services")?.config.adminPath ?? "/admin",
    pendingRequests: c.get("pendingRequests"),
  };
}

/** Who is acting, for the audit trail. */
export function actorOf(c: GatewayContext): Actor {
  return { name: c.get("identity")?.user.name ?? "anonymous", address: c.get("clientAddressText") };
}
