// Catalog versions in the database. A version never changes once written, so a loaded version
// is cached in memory by id and shared by everything that needs the whole graph (resolution,
// comparison, export); browsing pages query the table instead, with paging done by SQLite.
import { createHash } from "node:crypto";
import { type SQL, and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { FeatureDatabase } from "../db/connection";
import { catalogFeatures, catalogVersions } from "../db/schema";
import { canonicalJson } from "../canonical-json";
import type { Feature } from "./feature-schema";

export type CatalogVersion = typeof catalogVersions.$inferSelect;
export type CatalogFormat = CatalogVersion["format"];

export interface LoadedCatalog {
  version: CatalogVersion;
  /** Sorted by id. */
  features: Feature[];
  byId: Map<string, Feature>;
}

/** Rows per INSERT: 12 columns each stays far below SQLite's limit of bound variables. */
const INSERT_CHUNK = 400;

export function catalogHash(features: Feature[]): string {
  return createHash("sha256").update(canonicalJson(features.toSorted(byId))).digest("hex");
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function searchText(feature: Feature): string {
  return [feature.id, feature.name, feature.category, feature.release, feature.package, feature.description].join("\n").toLowerCase();
}

function toRow(versionId: number, feature: Feature): typeof catalogFeatures.$inferInsert {
  return {
    versionId,
    featureId: feature.id,
    name: feature.name,
    category: feature.category,
    release: feature.release,
    package: feature.package,
    status: feature.status,
    description: feature.description,
    requires: JSON.stringify(feature.requires),
    conflicts: JSON.stringify(feature.conflicts),
    parameters: JSON.stringify(feature.parameters),
    searchText: searchText(feature),
  };
}

export function fromRow(row: typeof catalogFeatures.$inferSelect): Feature {
  return {
    id: row.featureId,
    name: row.name,
    category: row.category,
    release: row.release,
    package: row.package,
    status: row.status as Feature["status"],
    description: row.description,
    requires: JSON.parse(row.requires),
    conflicts: JSON.parse(row.conflicts),
    parameters: JSON.parse(row.parameters),
  };
}

export interface NewVersion {
  name: string;
  source: string;
  format: CatalogFormat;
  importedBy: string;
  features: Feature[];
  /** JSON { headers, mapping } of a CSV/XLSX import. */
  columnMapping?: string;
}

export type ProgressReport = (done: number, total: number) => void;

export type Transaction = Parameters<Parameters<FeatureDatabase["transaction"]>[0]>[0];

async function insertVersion(tx: Transaction, version: NewVersion, progress?: ProgressReport): Promise<CatalogVersion> {
  const features = version.features.toSorted(byId);
  const [row] = await tx
    .insert(catalogVersions)
    .values({
      name: version.name,
      source: version.source,
      format: version.format,
      importedBy: version.importedBy,
      featureCount: features.length,
      contentHash: catalogHash(features),
      columnMapping: version.columnMapping,
    })
    .returning();
  if (!row) throw new Error("inserting a catalog version returned no row");
  for (let start = 0; start < features.length; start += INSERT_CHUNK) {
    const chunk = features.slice(start, start + INSERT_CHUNK);
    await tx.insert(catalogFeatures).values(chunk.map((feature) => toRow(row.id, feature)));
    progress?.(start + chunk.length, features.length);
  }
  return row;
}

export class CatalogStore {
  private readonly cache = new Map<number, LoadedCatalog>();
  private readonly facetCache = new Map<number, Facets>();

  constructor(private readonly db: FeatureDatabase) {}

  /**
   * Writes a whole version in one transaction: either all its features are there or none.
   * `written` runs in the same transaction (the audit row), so the trail never disagrees with it.
   */
  async addVersion(version: NewVersion, progress?: ProgressReport, written?: (tx: Transaction, row: CatalogVersion) => Promise<void>): Promise<CatalogVersion> {
    return this.db.transaction(async (tx) => {
      const row = await insertVersion(tx, version, progress);
      await written?.(tx, row);
      return row;
    });
  }

  /**
   * Loads the demo catalog into an empty database. Every instance calls this at start, so the
   * usual case (a catalog exists) is one read and no write lock; several instances starting on
   * an empty database meet in the write transaction, where only the first one loads it.
   */
  async seedIfEmpty(make: () => NewVersion): Promise<boolean> {
    if (await this.current()) return false;
    return this.db.transaction(async (tx) => {
      const [existing] = await tx.select({ n: count() }).from(catalogVersions);
      if (existing && existing.n > 0) return false;
      await insertVersion(tx, make());
      return true;
    });
  }

  async versions(): Promise<CatalogVersion[]> {
    return this.db.select().from(catalogVersions).orderBy(desc(catalogVersions.id));
  }

  async version(id: number): Promise<CatalogVersion | undefined> {
    const [row] = await this.db.select().from(catalogVersions).where(eq(catalogVersions.id, id));
    return row;
  }

  /** The newest version: the catalog everyone works with. */
  async current(): Promise<CatalogVersion | undefined> {
    const [row] = await this.db.select().from(catalogVersions).orderBy(desc(catalogVersions.id)).limit(1);
    return row;
  }

  async load(versionId: number): Promise<LoadedCatalog | undefined> {
    const cached = this.cache.get(versionId);
    if (cached) return cached;
    const version = await this.version(versionId);
    if (!version) return undefined;
    const rows = await this.db
      .select()
      .from(catalogFeatures)
      .where(eq(catalogFeatures.versionId, versionId))
      .orderBy(asc(catalogFeatures.featureId));
    const features = rows.map(fromRow);
    const loaded = { version, features, byId: new Map(features.map((f) => [f.id, f])) };
    // Two versions are what a comparison needs; more would only hold memory in a per-user process.
    if (this.cache.size >= 2) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(versionId, loaded);
    return loaded;
  }

  async loadCurrent(): Promise<LoadedCatalog | undefined> {
    const current = await this.current();
    return current && this.load(current.id);
  }

  async feature(versionId: number, featureId: string): Promise<Feature | undefined> {
    const [row] = await this.db
      .select()
      .from(catalogFeatures)
      .where(and(eq(catalogFeatures.versionId, versionId), eq(catalogFeatures.featureId, featureId)));
    return row && fromRow(row);
  }

  async search(versionId: number, query: FeatureQuery): Promise<{ items: Feature[]; total: number }> {
    const where = and(eq(catalogFeatures.versionId, versionId), ...filters(query));
    const [counted] = await this.db.select({ total: count() }).from(catalogFeatures).where(where);
    const total = counted?.total ?? 0;
    const column = SORT_COLUMNS[query.sort];
    const order = query.direction === "desc" ? desc(column) : asc(column);
    const rows = await this.db
      .select()
      .from(catalogFeatures)
      .where(where)
      .orderBy(order, asc(catalogFeatures.featureId))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    return { items: rows.map(fromRow), total };
  }

  /**
   * How many features each category, release and status has: the filters' choices and the
   * charts' data. A version never changes, so its counts are computed once.
   */
  async facets(versionId: number): Promise<Facets> {
    const known = this.facetCache.get(versionId);
    if (known) return known;
    const facets = await this.countFacets(versionId);
    this.facetCache.set(versionId, facets);
    return facets;
  }

  private async countFacets(versionId: number): Promise<Facets> {
    const tally = async (column: typeof catalogFeatures.category | typeof catalogFeatures.release | typeof catalogFeatures.status) => {
      const rows = await this.db
        .select({ value: column, n: count() })
        .from(catalogFeatures)
        .where(eq(catalogFeatures.versionId, versionId))
        .groupBy(column)
        .orderBy(asc(column));
      return rows.map((r) => ({ value: r.value, count: r.n }));
    };
    return {
      categories: await tally(catalogFeatures.category),
      releases: await tally(catalogFeatures.release),
      statuses: await tally(catalogFeatures.status),
    };
  }
}

export interface Facets {
  categories: { value: string; count: number }[];
  releases: { value: string; count: number }[];
  statuses: { value: string; count: number }[];
}

export const SORT_COLUMNS = {
  id: catalogFeatures.featureId,
  name: catalogFeatures.name,
  category: catalogFeatures.category,
  release: catalogFeatures.release,
  status: catalogFeatures.status,
};
export type SortKey = keyof typeof SORT_COLUMNS;

export interface FeatureQuery {
  q: string;
  category: string;
  release: string;
  status: string;
  sort: SortKey;
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}

/** Every word must appear somewhere in the feature's text, in any order. */
function filters(query: FeatureQuery): SQL[] {
  const conditions: SQL[] = [];
  for (const word of query.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`${catalogFeatures.searchText} LIKE ${pattern} ESCAPE '\\'`);
  }
  if (query.category) conditions.push(eq(catalogFeatures.category, query.category));
  if (query.release) conditions.push(eq(catalogFeatures.release, query.release));
  if (query.status) conditions.push(eq(catalogFeatures.status, query.status));
  return conditions;
}
