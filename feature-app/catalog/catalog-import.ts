// An import in steps: the upload is kept as a draft (in the database, so a reload or a restart
// of the process loses nothing), the person maps columns and sees the preview and every
// problem, and only a draft with no problem becomes a new catalog version — in one transaction.
import { randomBytes } from "node:crypto";
import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Locale } from "../../src/i18n/messages";
import type { FeatureDatabase } from "../db/connection";
import { appTranslator } from "../messages";
import { importDrafts } from "../db/schema";
import { type CatalogError, type SourceRow, checkCatalog } from "./catalog-rules";
import { type CatalogImpact, type Confirmation, catalogImpact, confirmationHolds, needsConfirmation } from "./catalog-impact";
import { type CatalogStore, type CatalogVersion, type ProgressReport, type Transaction, catalogHash } from "./catalog-store";
import { DEFAULT_UNPACK_MAX_BYTES, type ReadCatalogFile, readCatalogFile } from "./catalog-file";
import type { Feature } from "./feature-schema";
import { type ColumnMapping, type Field, type MappingProblem, guessMapping, mappingProblems, rowToFeatureInput } from "./tabular";

export type ImportDraft = typeof importDrafts.$inferSelect;

/** Drafts nobody finished are dropped after a day. */
const DRAFT_LIFETIME_MS = 24 * 3600_000;
/** A mapping change validates this many rows for the preview; the whole file is checked on "check" and before import. */
export const SAMPLE_ROWS = 200;
/** Each draft holds a whole upload (up to 20 MB); beyond this many per person the oldest go. */
export const MAX_DRAFTS_PER_USER = 3;

export interface CheckedImport {
  draft: ImportDraft;
  file: ReadCatalogFile;
  /** Only for CSV and XLSX. */
  mapping?: ColumnMapping;
  mappingProblems: Partial<Record<Field, MappingProblem>>;
  errors: CatalogError[];
  features: Feature[];
  /** How many features the file describes (valid or not). */
  rowCount: number;
  /** How many of them were validated: all of them, or the first SAMPLE_ROWS after a mapping change. */
  checkedRows: number;
  /** Status words read as one of ours (`상용` → active), with how many rows had each. */
  statusWords: { word: string; status: string; count: number }[];
  /** For a file that can be imported: what it would do to the current catalog and the team's feature sets. */
  impact?: CatalogImpact;
}

export interface CommitOptions {
  /** The person saw what it removes from the current catalog and does to others' feature sets, and imports anyway. */
  confirmation: Confirmation;
  progress?: (phase: "check" | "write", done: number, total: number) => void;
  /** Runs inside the version's transaction (the audit row). */
  written?: (tx: Transaction, version: CatalogVersion, impact: CatalogImpact) => Promise<void>;
}

/** `encoding`: what a CSV was read as, for the API's answer. */
export type CommitOutcome =
  | { version: CatalogVersion; impact: CatalogImpact; encoding?: string }
  | { unchanged: CatalogVersion; encoding?: string }
  | { checked: CheckedImport }
  /** Not written: it removes features from the current catalog or affects feature sets, and was not confirmed. */
  | { unconfirmed: CheckedImport & { impact: CatalogImpact } };

/** Checked whole, no mapping problem, no error, at least one feature. */
export const importable = (checked: CheckedImport) =>
  checked.checkedRows === checked.rowCount && checked.errors.length === 0 && Object.keys(checked.mappingProblems).length === 0 && checked.features.length > 0;

export class CatalogImports {
  constructor(
    private readonly db: FeatureDatabase,
    private readonly catalog: CatalogStore,
    /** How far an XLSX may unpack (the gateway's importUnpackMaxMb). */
    private readonly unpackMaxBytes = DEFAULT_UNPACK_MAX_BYTES,
  ) {}

  /** The last drafts read, by id: a draft never changes, and reading a 5,000-row XLSX takes a second. */
  private readonly files = new Map<string, ReadCatalogFile>();

  private remember(id: string, file: ReadCatalogFile): ReadCatalogFile {
    this.files.delete(id);
    this.files.set(id, file);
    // Two drafts are what one person works on at once; more would only hold memory.
    if (this.files.size > 2) this.files.delete(this.files.keys().next().value as string);
    return file;
  }

  /** The last whole-file check: "check" then "import" with nothing changed in between validates once. */
  private lastCheck?: { key: string; checked: CheckedImport };

  private async read(draft: ImportDraft): Promise<ReadCatalogFile> {
    const known = this.files.get(draft.id);
    if (known) return this.remember(draft.id, known);
    return this.remember(draft.id, await readCatalogFile(new Uint8Array(draft.content), "", this.unpackMaxBytes));
  }

  /** Keeps the upload as a draft after checking it can be read at all (throws CatalogFileError otherwise). */
  async createDraft(user: string, fileName: string, bytes: Uint8Array): Promise<ImportDraft> {
    const file = await readCatalogFile(bytes, fileName, this.unpackMaxBytes);
    const mapping = file.format === "json" ? null : JSON.stringify((await this.rememberedMapping(file.headers)) ?? guessMapping(file.headers));
    await this.db.delete(importDrafts).where(lt(importDrafts.createdAt, new Date(Date.now() - DRAFT_LIFETIME_MS)));
    return this.db.transaction(async (tx) => {
      const [draft] = await tx
        .insert(importDrafts)
        .values({ id: randomBytes(12).toString("base64url"), user, fileName: fileName.slice(0, 200), format: file.format, content: Buffer.from(bytes), mapping })
        .returning();
      const mine = await tx
        .select({ id: importDrafts.id })
        .from(importDrafts)
        .where(eq(importDrafts.user, user))
        .orderBy(desc(importDrafts.createdAt), desc(sql`rowid`));
      const older = mine.slice(MAX_DRAFTS_PER_USER);
      if (older.length > 0) await tx.delete(importDrafts).where(inArray(importDrafts.id, older.map((d) => d.id)));
      this.remember(draft!.id, file);
      return draft!;
    });
  }

  /** The mapping of the newest import whose file had exactly these headers, in this order. */
  private async rememberedMapping(headers: string[]): Promise<ColumnMapping | undefined> {
    const key = JSON.stringify(headers);
    for (const version of await this.catalog.versions()) {
      if (!version.columnMapping) continue;
      const saved = JSON.parse(version.columnMapping) as { headers: string[]; mapping: ColumnMapping };
      if (JSON.stringify(saved.headers) === key) return saved.mapping;
    }
    return undefined;
  }

  /** Only the person who uploaded a draft can see or use it. */
  /** The person's imports not finished yet, newest first, to go back to from the import page. */
  async drafts(user: string): Promise<Pick<ImportDraft, "id" | "fileName" | "createdAt">[]> {
    return this.db
      .select({ id: importDrafts.id, fileName: importDrafts.fileName, createdAt: importDrafts.createdAt })
      .from(importDrafts)
      .where(and(eq(importDrafts.user, user), gte(importDrafts.createdAt, new Date(Date.now() - DRAFT_LIFETIME_MS))))
      .orderBy(desc(importDrafts.createdAt), desc(sql`rowid`));
  }

  async draft(user: string, id: string): Promise<ImportDraft | undefined> {
    const [draft] = await this.db.select().from(importDrafts).where(and(eq(importDrafts.id, id), eq(importDrafts.user, user)));
    return draft;
  }

  async setMapping(draft: ImportDraft, mapping: ColumnMapping): Promise<ImportDraft> {
    const text = JSON.stringify(mapping);
    await this.db.update(importDrafts).set({ mapping: text }).where(eq(importDrafts.id, draft.id));
    return { ...draft, mapping: text };
  }

  async discard(draft: ImportDraft): Promise<void> {
    await this.db.delete(importDrafts).where(eq(importDrafts.id, draft.id));
    this.files.delete(draft.id);
    if (this.lastCheck?.checked.draft.id === draft.id) this.lastCheck = undefined;
  }

  /**
   * Problems are worded in `locale` (the reader's on the pages, English in the API). With `sample`,
   * only the first rows of a CSV/XLSX are validated (references to the file's other ids still count
   * as known): what a mapping change needs for its preview, at any file size.
   */
  async check(draft: ImportDraft, locale: Locale = "en", progress?: ProgressReport, sample?: number): Promise<CheckedImport> {
    const key = `${draft.id}\n${draft.mapping}\n${locale}`;
    if (sample === undefined && this.lastCheck?.key === key) {
      progress?.(this.lastCheck.checked.rowCount, this.lastCheck.checked.rowCount);
      return this.lastCheck.checked;
    }
    const checked = await this.checkNow(draft, locale, progress, sample);
    if (sample === undefined) this.lastCheck = { key, checked };
    return checked;
  }

  private async checkNow(draft: ImportDraft, locale: Locale, progress?: ProgressReport, sample?: number): Promise<CheckedImport> {
    const file = await this.read(draft);
    if (file.format === "json") {
      const rows: SourceRow[] = file.features.map((data, index) => ({ row: index + 1, data, column: (path) => path }));
      const checked = checkCatalog(rows, locale);
      progress?.(rows.length, rows.length);
      return { draft, file, mappingProblems: {}, ...checked, rowCount: rows.length, checkedRows: rows.length, statusWords: [] };
    }
    const mapping = draft.mapping ? (JSON.parse(draft.mapping) as ColumnMapping) : guessMapping(file.headers);
    const problems = mappingProblems(mapping, file.headers);
    if (Object.keys(problems).length > 0) {
      return { draft, file, mapping, mappingProblems: problems, errors: [], features: [], rowCount: file.rows.length, checkedRows: 0, statusWords: [] };
    }
    const column = (path: string) => {
      const [top = "", ...rest] = path.split(/(?=[.[])/);
      const header = mapping[top as Field] || top;
      return rest.length > 0 ? `${header} ${rest.join("").replace(/^\./, "")}` : header;
    };
    const jsonErrors: CatalogError[] = [];
    const statusWords = new Map<string, { word: string; status: string; count: number }>();
    const rows: SourceRow[] = file.rows.map(({ row, cells }) => {
      const { data, parametersError, statusWord } = rowToFeatureInput(cells, mapping);
      if (statusWord !== undefined) {
        const seen = statusWords.get(statusWord) ?? { word: statusWord, status: String(data.status), count: 0 };
        seen.count++;
        statusWords.set(statusWord, seen);
      }
      if (parametersError) {
        const value = cells[mapping.parameters] ?? "";
        const reason = appTranslator(locale)("rule.parametersJson", { error: parametersError });
        const kind = appTranslator(locale)("rule.kind.parametersJson");
        jsonErrors.push({ row, column: mapping.parameters, value: value.slice(0, 80), reason, feature: String(data.id) || undefined, kind });
      }
      return { row, data, column };
    });
    const checkedRows = sample === undefined ? rows : rows.slice(0, sample);
    const elsewhere = checkedRows.length < rows.length ? new Set(rows.slice(checkedRows.length).map((r) => String((r.data as { id: unknown }).id))) : undefined;
    const checked = checkCatalog(checkedRows, locale, elsewhere);
    progress?.(checkedRows.length, rows.length);
    const lastChecked = checkedRows.at(-1)?.row ?? 0;
    const errors = [...jsonErrors.filter((e) => e.row <= lastChecked), ...checked.errors].sort((a, b) => a.row - b.row);
    return {
      draft,
      file,
      mapping,
      mappingProblems: {},
      errors,
      features: errors.length > 0 ? [] : checked.features,
      rowCount: rows.length,
      checkedRows: checkedRows.length,
      statusWords: [...statusWords.values()],
    };
  }

  /** The check, and for a file that can be imported, its impact on the current catalog and the team's feature sets. */
  async checkWithImpact(draft: ImportDraft, locale: Locale, progress?: ProgressReport, sample?: number): Promise<CheckedImport> {
    const checked = await this.check(draft, locale, progress, sample);
    if (!importable(checked)) return checked;
    return { ...checked, impact: await catalogImpact(this.db, this.catalog, checked.features) };
  }

  /**
   * Writes the draft as a new catalog version, or returns the problems and writes nothing. A file
   * with exactly the current version's features makes no new version: it says which one it matches.
   */
  async commit(draft: ImportDraft, locale: Locale, options: CommitOptions): Promise<CommitOutcome> {
    const { progress } = options;
    const checked = await this.checkWithImpact(draft, locale, (done, total) => progress?.("check", done, total));
    if (!importable(checked) || !checked.impact) return { checked };
    const current = await this.catalog.current();
    if (current?.contentHash === catalogHash(checked.features)) {
      await this.discard(draft);
      return { unchanged: current, encoding: encodingOf(checked) };
    }
    const impact = checked.impact;
    if (needsConfirmation(impact) && !confirmationHolds(options.confirmation, impact)) return { unconfirmed: { ...checked, impact } };
    const name = (checked.file.format === "json" && checked.file.name) || draft.fileName.replace(/\.(csv|xlsx|json)$/i, "");
    const columnMapping = checked.file.format === "json" ? undefined : JSON.stringify({ headers: checked.file.headers, mapping: checked.mapping });
    const version = await this.catalog.addVersion(
      { name, source: draft.fileName, format: draft.format, importedBy: draft.user, features: checked.features, columnMapping },
      (done, total) => progress?.("write", done, total),
      options.written && ((tx, row) => options.written!(tx, row, impact)),
    );
    await this.discard(draft);
    return { version, impact, encoding: encodingOf(checked) };
  }
}

const encodingOf = (checked: CheckedImport) => (checked.file.format === "csv" ? checked.file.encoding : undefined);
