// The feature app's tables. They live in the gateway's database (one file to back up), and
// drizzle-kit writes their migrations into src/db/migrations with the gateway's own; the
// gateway applies them before it starts any feature app.
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Every import makes one; a version and its features are never changed afterwards. */
export const catalogVersions = sqliteTable("catalog_versions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** The imported file's name, or "demo" for the embedded demo catalog. */
  source: text("source").notNull(),
  format: text("format", { enum: ["demo", "csv", "xlsx", "json", "restore"] }).notNull(),
  importedBy: text("imported_by").notNull(),
  importedAt: integer("imported_at", { mode: "timestamp_ms" }).notNull().default(now),
  featureCount: integer("feature_count").notNull(),
  /** SHA-256 of the canonical JSON of the features, so identical imports are recognisable. */
  contentHash: text("content_hash").notNull(),
  /** JSON { headers, mapping } of a CSV/XLSX import, so a file with the same header row maps itself next time. */
  columnMapping: text("column_mapping"),
});

export const catalogFeatures = sqliteTable(
  "catalog_features",
  {
    versionId: integer("version_id")
      .notNull()
      .references(() => catalogVersions.id, { onDelete: "cascade" }),
    featureId: text("feature_id").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull(),
    release: text("release").notNull(),
    package: text("package").notNull(),
    status: text("status").notNull(),
    description: text("description").notNull(),
    /** JSON arrays of feature ids, and the JSON array of typed parameters. */
    requires: text("requires").notNull(),
    conflicts: text("conflicts").notNull(),
    parameters: text("parameters").notNull(),
    /** Lower-cased id, name, category, package and description: what the search box matches. */
    searchText: text("search_text").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.featureId] }),
    index("catalog_features_category").on(t.versionId, t.category),
    index("catalog_features_release").on(t.versionId, t.release),
    index("catalog_features_status").on(t.versionId, t.status),
  ],
);

/** An uploaded file waiting for its column mapping and confirmation. */
export const importDrafts = sqliteTable("import_drafts", {
  id: text("id").primaryKey(),
  user: text("user").notNull(),
  fileName: text("file_name").notNull(),
  format: text("format", { enum: ["csv", "xlsx", "json"] }).notNull(),
  content: blob("content", { mode: "buffer" }).notNull(),
  /** JSON: our field → the file's column header. */
  mapping: text("mapping"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

export const featureSets = sqliteTable(
  "feature_sets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    owner: text("owner").notNull(),
    name: text("name").notNull(),
    /** Bumped by every save; a save based on an older revision is refused. */
    revision: integer("revision").notNull(),
    /** JSON of the current revision's content (the latest feature_set_revisions row). */
    content: text("content").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedBy: text("updated_by").notNull(),
    /** The catalog version the set resolves against until its owner upgrades it (null: none existed). */
    catalogVersionId: integer("catalog_version_id").references(() => catalogVersions.id),
  },
  (t) => [index("feature_sets_owner").on(t.owner)],
);

export const featureSetRevisions = sqliteTable(
  "feature_set_revisions",
  {
    setId: integer("set_id")
      .notNull()
      .references(() => featureSets.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    name: text("name").notNull(),
    content: text("content").notNull(),
    savedBy: text("saved_by").notNull(),
    savedAt: integer("saved_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** What the save did, e.g. "added FGR-CA0001" or "restored revision 3". */
    note: text("note").notNull().default(""),
    /** The catalog version the set was on with this revision: restoring the revision restores it too. */
    catalogVersionId: integer("catalog_version_id").references(() => catalogVersions.id),
  },
  (t) => [primaryKey({ columns: [t.setId, t.revision] })],
);

/** Every generated JSON document is kept; one export run (one file or one zip) shares a batch. */
export const generations = sqliteTable(
  "generations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    batch: text("batch").notNull(),
    setId: integer("set_id")
      .notNull()
      .references(() => featureSets.id, { onDelete: "cascade" }),
    setRevision: integer("set_revision").notNull(),
    catalogVersionId: integer("catalog_version_id")
      .notNull()
      .references(() => catalogVersions.id),
    /** Null for the whole-set document. */
    site: text("site"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    sha256: text("sha256").notNull(),
    document: text("document").notNull(),
    /** A pinned generation outlives the retention limit (FGM_GENERATION_KEEP exports per set). */
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("generations_set").on(t.setId, t.id), index("generations_batch").on(t.batch)],
);

/**
 * The first answer to each creating request sent with an Idempotency-Key (per user), so a retry
 * of the same request gets that answer instead of making a duplicate; rows older than 24 h go.
 * `status` is null while the first request is still being handled.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    user: text("user").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status"),
    /** JSON of the answer's headers a retry needs again: content type, location, htmx's HX-*. */
    headers: text("headers"),
    body: blob("body", { mode: "buffer" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.user, t.key] }), index("idempotency_keys_created").on(t.createdAt)],
);

/** A set's unsaved edits, one per set and user: kept in the database so closing the tab loses nothing. */
export const featureSetDrafts = sqliteTable(
  "feature_set_drafts",
  {
    setId: integer("set_id")
      .notNull()
      .references(() => featureSets.id, { onDelete: "cascade" }),
    user: text("user").notNull(),
    /** The set's revision the draft started from; saving it is refused if the set has moved on. */
    baseRevision: integer("base_revision").notNull(),
    name: text("name").notNull(),
    content: text("content").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** Counts the draft's changes: an edit from another page that showed an older edition is refused. */
    edition: integer("edition").notNull().default(1),
    /** The page (a random id per browser tab) that made the last change; null when no page said. */
    lastTab: text("last_tab"),
  },
  (t) => [primaryKey({ columns: [t.setId, t.user] })],
);
