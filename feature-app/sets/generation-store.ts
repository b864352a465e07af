// Every generated document is kept with who made it, when, from which set revision and catalog
// version, and its SHA-256; one export (one file or one zip) shares a batch id.
import { createHash, randomUUID } from "node:crypto";
import { and, desc, eq, getTableColumns } from "drizzle-orm";
import type { FeatureDatabase } from "../db/connection";
import { generations } from "../db/schema";
import { type JsonChange, diffJson } from "./json-diff";
import type { AppAudit } from "../audit";

export type Generation = typeof generations.$inferSelect;
export type GenerationSummary = Omit<Generation, "document">;

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

  async record(
    source: { setId: number; setRevision: number; catalogVersionId: number; createdBy: string },
    files: GeneratedFile[],
  ): Promise<Generation[]> {
    const batch = randomUUID();
    const rows = files.map((file) => ({
      ...source,
      batch,
      site: file.site,
      sha256: createHash("sha256").update(file.text).digest("hex"),
      document: file.text,
    }));
    return this.db.transaction(async (tx) => {
      const written = await tx.insert(generations).values(rows).returning();
      const scope = files.length === 1 ? (files[0]!.site === null ? "scope=set" : `site=${files[0]!.site}`) : `sites=${files.length}`;
      await this.audit?.(tx, "set.export", `set ${source.setId}`, `rev=${source.setRevision} catalog=v${source.catalogVersionId} ${scope}`);
      return written;
    });
  }

  async list(setId: number, limit = 100): Promise<GenerationSummary[]> {
    const { document: _document, ...columns } = getTableColumns(generations);
    return this.db.select(columns).from(generations).where(eq(generations.setId, setId)).orderBy(desc(generations.id)).limit(limit);
  }

  async get(setId: number, id: number): Promise<Generation | undefined> {
    const [row] = await this.db.select().from(generations).where(and(eq(generations.setId, setId), eq(generations.id, id)));
    return row;
  }

  /** What changed from generation `a` to `b` of the same set; undefined if either is not one of its generations. */
  async diff(setId: number, a: number, b: number): Promise<JsonChange[] | undefined> {
    const [before, after] = [await this.get(setId, a), await this.get(setId, b)];
    return before && after ? diffJson(JSON.parse(before.document), JSON.parse(after.document)) : undefined;
  }
}
