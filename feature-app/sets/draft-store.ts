// A set's unsaved edits, one draft per set and user, kept in the database: adding and removing
// features, values and sites change the draft, and only "Save" turns it into one revision (with
// the user's note). Closing the tab loses nothing. The draft keeps the form's texts as typed, so
// a value not yet valid survives too; it is checked when saved. Each change bumps the draft's
// edition and records the page (browser tab) that made it: the editor posts its whole form, so
// another tab that has not seen the latest edition (the set open twice) would otherwise put back
// the sites and name it shows over that tab's changes. A page's own edits may overtake the edition
// it shows (a Save posted while its last edit is still on the way): those are not refused.
import { and, eq, or, sql } from "drizzle-orm";
import type { FeatureDatabase } from "../db/connection";
import { featureSetDrafts, featureSets } from "../db/schema";
import type { SetForm } from "./set-form";

export interface Draft {
  /** The set's revision the draft started from: saving is refused once the set has moved on. */
  baseRevision: number;
  /** The chosen features (prerequisites come with them, as in a saved set). */
  features: string[];
  form: SetForm;
  updatedAt: Date;
  /** 1 for a new draft, one more with every change. */
  edition: number;
}

export type PutResult = "stored" | "too-large" | "stale" | "elsewhere";

/** What the posting page showed: the draft's edition (0: no draft) and its own tab id. */
export interface PostingPage {
  edition: number;
  tab: string;
}

/** A draft is the size of what a set may hold; this keeps a hostile client from storing more. */
export const MAX_DRAFT_BYTES = 8 * 1024 * 1024;

export class DraftStore {
  constructor(private readonly db: FeatureDatabase) {}

  async get(setId: number, user: string): Promise<Draft | undefined> {
    const [row] = await this.db.select().from(featureSetDrafts).where(and(eq(featureSetDrafts.setId, setId), eq(featureSetDrafts.user, user)));
    if (!row) return undefined;
    const { features, values, sites } = JSON.parse(row.content) as { features: string[]; values: SetForm["values"]; sites: SetForm["sites"] };
    return { baseRevision: row.baseRevision, features, form: { name: row.name, values, sites }, updatedAt: row.updatedAt, edition: row.edition };
  }

  /**
   * Stores the draft: "too-large" (nothing stored) past MAX_DRAFT_BYTES. A new draft is only started
   * while the set is still at the draft's base revision, unless `anyBase`: an edit sent from a page
   * older than the set (a change that fires as "Save" is pressed, arriving after the save) must not
   * start a draft of what was just saved. An existing draft is always updated, unless `page` says
   * the draft has changed since that page showed it, by another page: "elsewhere", nothing stored.
   * A page that says nothing (a plain form, the API) is not checked, and is no page's.
   */
  async put(setId: number, user: string, draft: Omit<Draft, "updatedAt" | "edition">, options: { anyBase?: boolean; page?: PostingPage } = {}): Promise<PutResult> {
    const { page } = options;
    const content = JSON.stringify({ features: draft.features, values: draft.form.values, sites: draft.form.sites });
    if (content.length + draft.form.name.length > MAX_DRAFT_BYTES) return "too-large";
    const row = { baseRevision: draft.baseRevision, name: draft.form.name, content, updatedAt: new Date(), lastTab: page?.tab ?? null };
    const mine = and(eq(featureSetDrafts.setId, setId), eq(featureSetDrafts.user, user));
    return this.db.transaction(async (tx) => {
      const unchangedSince = page && or(eq(featureSetDrafts.edition, page.edition), eq(featureSetDrafts.lastTab, page.tab));
      const bumped = { ...row, edition: sql`${featureSetDrafts.edition} + 1` };
      if ((await tx.update(featureSetDrafts).set(bumped).where(and(mine, unchangedSince)).returning({ setId: featureSetDrafts.setId })).length > 0) return "stored";
      // Not updated: another page changed the draft since, or there is none although the page showed one (saved or discarded since).
      const [current] = await tx.select({ edition: featureSetDrafts.edition }).from(featureSetDrafts).where(mine);
      if (current || (page?.edition ?? 0) !== 0) return "elsewhere";
      if (!options.anyBase) {
        const [set] = await tx.select({ revision: featureSets.revision }).from(featureSets).where(eq(featureSets.id, setId));
        if (set?.revision !== draft.baseRevision) return "stale";
      }
      await tx.insert(featureSetDrafts).values({ setId, user, ...row });
      return "stored";
    });
  }

  /** The sets this user has a draft of, for the list of sets. */
  async setsWithDrafts(user: string): Promise<Set<number>> {
    const rows = await this.db.select({ setId: featureSetDrafts.setId }).from(featureSetDrafts).where(eq(featureSetDrafts.user, user));
    return new Set(rows.map((r) => r.setId));
  }

  async discard(setId: number, user: string): Promise<void> {
    await this.db.delete(featureSetDrafts).where(and(eq(featureSetDrafts.setId, setId), eq(featureSetDrafts.user, user)));
  }
}
