// The gateway's tables, all in one place; `npm run db:generate` turns changes here into a new
// SQL migration under src/db/migrations that every existing database is upgraded with at start.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    displayName: text("display_name").notNull().default(""),
    role: text("role", { enum: ["admin", "user"] }).notNull(),
    passwordHash: text("password_hash"),
    requirePassword: integer("require_password", { mode: "boolean" }).notNull().default(false),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** May import a catalog or make an older version current; admins always may. */
    catalogEditor: integer("catalog_editor", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex("users_name_unique").on(sql`lower(${t.name})`)],
);

/** One address or CIDR range per row, stored in canonical form (see src/net/ip.ts). */
export const userIpRules = sqliteTable(
  "user_ip_rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    rule: text("rule").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("user_ip_rules_rule_unique").on(t.rule), index("user_ip_rules_user").on(t.userId)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: createdAt(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    /** Where the actor was: a client address, or "cli" for the command line. */
    address: text("address").notNull().default(""),
    target: text("target").notNull().default(""),
    detail: text("detail").notNull().default(""),
  },
  (t) => [index("audit_log_at").on(t.at)],
);

/** The cookie holds a random token; only its SHA-256 is stored, so a copied database opens no session. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    userAgent: text("user_agent").notNull().default(""),
    /** "address" when the IP rule alone was enough, "password" after a sign-in. */
    method: text("method", { enum: ["address", "password"] }).notNull(),
    /** "page": started by a page navigation (a visit); "script": by a script or API call, counted apart. */
    startedBy: text("started_by", { enum: ["page", "script"] }).notNull().default("page"),
    createdAt: createdAt(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
    /** Dwell time: how long the feature app was open in a browser (a WebSocket through the gateway) during this session. */
    dwellMs: integer("dwell_ms").notNull().default(0),
    /** logout, revoked, idle, expired, disabled, password-changed */
    endReason: text("end_reason"),
  },
  (t) => [index("sessions_user").on(t.userId), index("sessions_open").on(t.endedAt), index("sessions_created").on(t.createdAt)],
);

export const accessRequests = sqliteTable(
  "access_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    address: text("address").notNull(),
    name: text("name").notNull(),
    reason: text("reason").notNull().default(""),
    status: text("status", { enum: ["pending", "approved", "rejected"] }).notNull().default("pending"),
    createdAt: createdAt(),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    decidedBy: text("decided_by"),
    /** The user created by an approval. */
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("access_requests_status").on(t.status), index("access_requests_address").on(t.address)],
);

/** Wrong passwords, kept in the database so a lockout survives a gateway restart. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    address: text("address").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("login_failures_name_address").on(t.name, t.address, t.at), index("login_failures_address").on(t.address, t.at)],
);

/**
 * Each gateway's instances, mirrored for the console and for finding processes after a restart.
 * A row belongs to the gateway (node) that started it: gateways sharing a database never adopt
 * or stop each other's (see src/instances/node-identity.ts).
 */
export const instanceRecords = sqliteTable("instance_records", {
  /** The owning gateway's id; '' for rows written before node ids existed (one gateway only). */
  nodeId: text("node_id").notNull().default(""),
  /** The owning gateway's host name, for the console. */
  nodeName: text("node_name").notNull().default(""),
  /** "user:<id>" for a user's instance, "spare:<n>" for a pre-started one. */
  key: text("key").notNull(),
  userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  port: integer("port").notNull(),
  pid: integer("pid"),
  state: text("state", { enum: ["starting", "running", "stopping", "stopped", "failed"] }).notNull(),
  startedAt: integer("started_at", { mode: "timestamp_ms" }),
  readyMs: integer("ready_ms"),
  restarts: integer("restarts").notNull().default(0),
  lastError: text("last_error"),
  lastActivityAt: integer("last_activity_at", { mode: "timestamp_ms" }),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [primaryKey({ columns: [t.nodeId, t.key] })]);

/** Every start and its time to ready, for the console and the benchmarks. */
export const instanceStarts = sqliteTable(
  "instance_starts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    at: createdAt(),
    /** "cold" (a new process for this user), "spare" (claimed a pre-started one) or "restart". */
    kind: text("kind", { enum: ["cold", "spare", "restart"] }).notNull(),
    readyMs: integer("ready_ms"),
    outcome: text("outcome", { enum: ["ready", "failed"] }).notNull(),
  },
  (t) => [index("instance_starts_at").on(t.at)],
);

/** One row per sampling tick and gateway (kept 24 h); older data lives on as hourly rollups. */
export const metricSamples = sqliteTable(
  "metric_samples",
  {
    /** The gateway that took the sample (its node id; '' before node ids existed). */
    nodeId: text("node_id").notNull().default(""),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    cpuPercent: real("cpu_percent").notNull(),
    memoryUsedBytes: integer("memory_used_bytes").notNull(),
    memoryTotalBytes: integer("memory_total_bytes").notNull(),
    gatewayRssBytes: integer("gateway_rss_bytes").notNull(),
    eventLoopLagMs: real("event_loop_lag_ms").notNull(),
    requestsPerSecond: real("requests_per_second").notNull(),
    proxyP50Ms: real("proxy_p50_ms"),
    proxyP95Ms: real("proxy_p95_ms"),
    proxyP99Ms: real("proxy_p99_ms"),
    openWebSockets: integer("open_websockets").notNull(),
    instancesRunning: integer("instances_running").notNull(),
    instancesRssBytes: integer("instances_rss_bytes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.at] })],
);

export const metricHours = sqliteTable("metric_hours", {
  nodeId: text("node_id").notNull().default(""),
  hour: integer("hour", { mode: "timestamp_ms" }).notNull(),
  cpuPercentAvg: real("cpu_percent_avg").notNull(),
  cpuPercentMax: real("cpu_percent_max").notNull(),
  memoryUsedBytesAvg: integer("memory_used_bytes_avg").notNull(),
  memoryUsedBytesMax: integer("memory_used_bytes_max").notNull(),
  requestsPerSecondAvg: real("requests_per_second_avg").notNull(),
  openWebSocketsMax: integer("open_websockets_max").notNull(),
  instancesRunningMax: integer("instances_running_max").notNull(),
}, (t) => [primaryKey({ columns: [t.nodeId, t.hour] })]);

/**
 * Visits and dwell time per user per local day, kept up to date as sessions start and dwell is
 * added, so statistics over a year of visits read a few thousand rows instead of a million.
 */
export const usageDays = sqliteTable(
  "usage_days",
  {
    /** YYYY-MM-DD in the server's local time. */
    day: text("day").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    visits: integer("visits").notNull().default(0),
    /** Sessions started by scripts (API use), which are no visits. */
    scriptSessions: integer("script_sessions").notNull().default(0),
    dwellMs: integer("dwell_ms").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
);

/** Settings changed in the admin console; they override the configured value of the same key. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  /** JSON of the value, checked against the setting's schema in src/config.ts before it is stored. */
  value: text("value").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  updatedBy: text("updated_by").notNull(),
});

/** One row: bumped by triggers on every change to `settings`, so other gateways see it cheaply. */
export const settingsVersion = sqliteTable("settings_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull(),
});
