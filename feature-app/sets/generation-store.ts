// Every kept document records who made it, when, from which set revision and catalog version,
// and its SHA-256; one kept export (one file or one zip) shares a batch id. Each set keeps its
// newest exports up to a limit, and any pinned ones, so exports cannot grow the database forever.
import { createHash, randomUUID } from "node:crypto";
import { and, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { FeatureDatabase } from "../db/connection";
import { generations } from "../db/schema";
import { type JsonChange, diffJson } from "./json-diff";
import type { AppAudit } from "../audit";

export type Generation = typeof generations.$inferSelect;
export type GenerationSummary = Omit<Generation, "document">;

/** Every column but the document: what a list shows. */
function summaryColumns() {
  const { document: _document, ...columns } = getTableColumns(generations);
  return columns;
}

export interface GeneratedFile {
  site: string | null;
  text: string;
}

export class GenerationStore {
  /** `audit`: writes each export to the audit trail in its own transaction. */
  constructor(
    private readonly db: FeatureDatabase,
    private readonly audit?: AppAudit,
  ) {}

  /** Keeps one export's files as one batch, then drops the set's unpinned batches beyond the newest `keep`. */
  async record(
    source: { setId: number; setRevision: number; catalogVersionId: number; createdBy: string },
    files: GeneratedFile[],
    keep: number,
  ): Promise<Generation[]> {
    const batch = randomUUID();
    const createdAt = new Date();
    const rows = files.map((file) => ({
      ...source,
      batch,
      site: file.site,
      createdAt,
      sha256: createHash("sha256").update(file.text).digest("hex"),
      document: file.text,
    }));
    return this.db.transaction(async (tx) => {
      const kept = await tx.insert(generations).values(rows).returning();
      await tx.run(sql`DELETE FROM generations WHERE set_id = ${source.setId} AND pinned = 0 AND batch NOT IN (
        SELECT batch FROM generations WHERE set_id = ${source.setId} GROUP BY batch ORDER BY max(id) DESC LIMIT ${keep})`);
      const scope = files.length === 1 ? (files[0]!.site === null ? "scope=set" : `site=${files[0]!.site}`) : `sites=${files.length}`;
      await this.audit?.(tx, "set.export", `set ${source.setId}`, `rev=${source.setRevision} catalog=v${source.catalogVersionId} ${scope}`);
      return kept;
    });
  }

  async list(setId: number, limit = 100): Promise<GenerationSummary[]> {
    return this.db.select(summaryColumns()).from(generations).where(eq(generations.setId, setId)).orderBy(desc(generations.id)).limit(limit);
  }

  /** The whole export generation `id` belongs to, without the documents; empty if it is not one of the set's. */
  async exportOf(setId: number, id: number): Promise<GenerationSummary[]> {
    const batch = this.db.select({ batch: generations.batch }).from(generations).where(and(eq(generations.setId, setId), eq(generations.id, id)));
    return this.db.select(summaryColumns()).from(generations).where(and(eq(generations.setId, setId), inArray(generations.batch, batch))).orderBy(generations.id);
  }

  async get(setId: number, id: number): Promise<Generation | undefined> {
    const [row] = await this.db.select().from(generations).where(and(eq(generations.setId, setId), eq(generations.id, id)));
    return row;
  }

  /** The documents of one kept export, by site name (the whole-set document first). */
  async batch(setId: number, batch: string): Promise<Generation[]> {
    return this.db.select().from(generations).where(and(eq(generations.setId, setId), eq(generations.batch, batch))).orderBy(generations.id);
  }

  /** Pins or unpins the whole export the generation belongs to; false if it is not one of the set's. */
  async pin(setId: number, id: number, pinned: boolean): Promise<boolean> {
    const row = await this.get(setId, id);
    if (!row) return false;
    await this.db.update(generations).set({ pinned }).where(and(eq(generations.setId, setId), eq(generations.batch, row.batch)));
    return true;
  }

  /** What changed from generation `a` to `b` of the same set; undefined if either is not one of its generations. */
  async diff(setId: number, a: number, b: number): Promise<JsonChange[] | undefined> {
    const [before, after] = [await this.get(setId, a), await this.get(setId, b)];
    return before && after ? diffJson(JSON.parse(before.document), JSON.parse(after.document)) : undefined;
  }
}
