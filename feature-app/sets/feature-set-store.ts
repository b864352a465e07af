// Feature sets in the shared database. Every change writes the set row and its revision row in
// one transaction; a save names the revision it started from and is refused when the stored one
// has moved on (someone saved first), so nothing is silently overwritten. Only the owner writes.
import { and, asc, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { FeatureDatabase } from "../db/connection";
import { featureSetRevisions, featureSets } from "../db/schema";
import { canonicalJson } from "../canonical-json";
import type { SetContent } from "./set-content";
import type { AppAudit } from "../audit";
import { noteSummary, revisionNote } from "./revision-note";

export interface FeatureSet {
  id: number;
  owner: string;
  name: string;
  revision: number;
  content: SetContent;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
  /** The catalog version it resolves against (set-catalog.ts); null only if none existed. */
  catalogVersionId: number | null;
}

export type RevisionSummary = Omit<typeof featureSetRevisions.$inferSelect, "content">;
export interface Revision extends RevisionSummary {
  content: SetContent;
}

export type WriteResult =
  | { ok: true; set: FeatureSet }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "forbidden" }
  | { ok: false; reason: "stale"; current: FeatureSet };

export interface Change {
  /** The revision the writer saw; the save is refused if the stored one differs. */
  baseRevision: number;
  name: string;
  content: SetContent;
  note: string;
  /** The catalog version the set moves to with this revision: an upgrade, or a restored revision built on another one. */
  catalogVersionId?: number;
  /** How the audit trail names the save: a plain save unless it is an upgrade or a restore. */
  action?: "set.upgrade" | "set.restore";
}

function fromRow(row: typeof featureSets.$inferSelect): FeatureSet {
  return { ...row, content: JSON.parse(row.content) };
}

/** A revision note in the audit trail's key=value style ("note=added FGR-CA0001"), and the action a new set's note means. */
const noteDetail = (note: string) => `note=${noteSummary(note)}`;

/**
 * An old revision saved again as the newest, with the catalog version it was built on: its values
 * were checked against that one (restoring a revision from before an upgrade undoes the upgrade).
 */
export function restoreChange(set: FeatureSet, old: Revision, baseRevision: number): Change {
  const pinned = old.catalogVersionId ?? set.catalogVersionId;
  const note =
    pinned === null || pinned === set.catalogVersionId
      ? revisionNote("sets.note.restored", { revision: old.revision })
      : revisionNote("sets.note.restoredOn", { revision: old.revision, version: pinned });
  return { baseRevision, name: old.name, content: old.content, note, catalogVersionId: pinned ?? undefined, action: "set.restore" };
}

export class FeatureSetStore {
  /** `audit`: writes each change to the audit trail in the change's own transaction. */
  constructor(
    private readonly db: FeatureDatabase,
    private readonly audit?: AppAudit,
  ) {}

  /** Every user's sets: owners edit theirs, everyone may view and clone the others. */
  async list(): Promise<FeatureSet[]> {
    const rows = await this.db.select().from(featureSets).orderBy(asc(featureSets.owner), asc(featureSets.name), asc(featureSets.id));
    return rows.map(fromRow);
  }

  async get(id: number): Promise<FeatureSet | undefined> {
    const [row] = await this.db.select().from(featureSets).where(eq(featureSets.id, id));
    return row && fromRow(row);
  }

  /** A new set, built on `catalogVersionId` if given, else on the current catalog version. */
  async create(owner: string, name: string, content: SetContent, note: string, catalogVersionId?: number | null): Promise<FeatureSet> {
    return this.insert(owner, name, content, note, catalogVersionId, "set.create");
  }

  /** Another user's (or one's own) set copied as a new set of `owner`'s, on the same catalog version. */
  async clone(owner: string, name: string, source: FeatureSet): Promise<FeatureSet> {
    const note = revisionNote("sets.note.cloned", { id: source.id, revision: source.revision });
    return this.insert(owner, name, source.content, note, source.catalogVersionId, "set.clone");
  }

  private async insert(owner: string, name: string, content: SetContent, note: string, catalogVersionId: number | null | undefined, action: "set.create" | "set.clone") {
    return this.db.transaction(async (tx) => {
      const stored = canonicalJson(content);
      const pinned = catalogVersionId ?? sql`(SELECT max(id) FROM catalog_versions)`;
      const [row] = await tx.insert(featureSets).values({ owner, name, revision: 1, content: stored, updatedBy: owner, catalogVersionId: pinned }).returning();
      if (!row) throw new Error("inserting a feature set returned no row");
      await tx.insert(featureSetRevisions).values({ setId: row.id, revision: 1, name, content: stored, savedBy: owner, note, catalogVersionId: row.catalogVersionId });
      await this.audit?.(tx, action, `set ${row.id}`, `name=${name} ${noteDetail(note)}`);
      return fromRow(row);
    });
  }

  async save(id: number, user: string, change: Change): Promise<WriteResult> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(featureSets).where(eq(featureSets.id, id));
      if (!row) return { ok: false, reason: "not-found" };
      if (row.owner !== user) return { ok: false, reason: "forbidden" };
      if (row.revision !== change.baseRevision) return { ok: false, reason: "stale", current: fromRow(row) };
      const stored = canonicalJson(change.content);
      const revision = row.revision + 1;
      // The revision condition again: another process may have saved between the read and here.
      const [updated] = await tx
        .update(featureSets)
        .set({ name: change.name, content: stored, revision, updatedAt: new Date(), updatedBy: user, ...(change.catalogVersionId ? { catalogVersionId: change.catalogVersionId } : {}) })
        .where(and(eq(featureSets.id, id), eq(featureSets.revision, change.baseRevision)))
        .returning();
      if (!updated) {
        const [current] = await tx.select().from(featureSets).where(eq(featureSets.id, id));
        return current ? { ok: false, reason: "stale", current: fromRow(current) } : { ok: false, reason: "not-found" };
      }
      await tx.insert(featureSetRevisions).values({ setId: id, revision, name: change.name, content: stored, savedBy: user, note: change.note, catalogVersionId: updated.catalogVersionId });
      const moved = updated.catalogVersionId !== row.catalogVersionId ? `catalog=${row.catalogVersionId}->${updated.catalogVersionId} ` : "";
      await this.audit?.(tx, change.action ?? "set.save", `set ${id}`, `rev=${revision} ${moved}${noteDetail(change.note)}`);
      return { ok: true, set: fromRow(updated) };
    });
  }

  /** Deletes the set with its revisions and generations (the foreign keys cascade). */
  async remove(id: number, user: string): Promise<"deleted" | "not-found" | "forbidden"> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select({ owner: featureSets.owner }).from(featureSets).where(eq(featureSets.id, id));
      if (!row) return "not-found";
      if (row.owner !== user) return "forbidden";
      await tx.delete(featureSets).where(eq(featureSets.id, id));
      await this.audit?.(tx, "set.delete", `set ${id}`, "");
      return "deleted";
    });
  }

  async revisions(id: number): Promise<RevisionSummary[]> {
    const { content: _content, ...columns } = getTableColumns(featureSetRevisions);
    return this.db.select(columns).from(featureSetRevisions).where(eq(featureSetRevisions.setId, id)).orderBy(desc(featureSetRevisions.revision));
  }

  async revision(id: number, revision: number): Promise<Revision | undefined> {
    const [row] = await this.db
      .select()
      .from(featureSetRevisions)
      .where(and(eq(featureSetRevisions.setId, id), eq(featureSetRevisions.revision, revision)));
    return row && { ...row, content: JSON.parse(row.content) };
  }
}
