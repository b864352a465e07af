// An import in steps: the upload is kept as a draft (in the database, so a reload or a restart
// of the process loses nothing), the person maps columns and sees the preview and every
// problem, and only a draft with no problem becomes a new catalog version — in one transaction.
import { randomBytes } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Locale } from "../../src/i18n/messages";
import type { FeatureDatabase } from "../db/connection";
import { appTranslator } from "../messages";
import { importDrafts } from "../db/schema";
import { type CatalogError, type SourceRow, checkCatalog } from "./catalog-rules";
import { type CatalogStore, type CatalogVersion, type ProgressReport, catalogHash } from "./catalog-store";
import { type ReadCatalogFile, readCatalogFile } from "./catalog-file";
import type { Feature } from "./feature-schema";
import { type ColumnMapping, type Field, type MappingProblem, guessMapping, mappingProblems, rowToFeatureInput } from "./tabular";

export type ImportDraft = typeof importDrafts.$inferSelect;

/** Drafts nobody finished are dropped after a day. */
const DRAFT_LIFETIME_MS = 24 * 3600_000;

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
}

export class CatalogImports {
  constructor(
    private readonly db: FeatureDatabase,
    private readonly catalog: CatalogStore,
  ) {}

  /** Keeps the upload as a draft after checking it can be read at all (throws CatalogFileError otherwise). */
  async createDraft(user: string, fileName: string, bytes: Uint8Array): Promise<ImportDraft> {
    const file = await readCatalogFile(bytes, fileName);
    const mapping = file.format === "json" ? null : JSON.stringify(guessMapping(file.headers));
    await this.db.delete(importDrafts).where(lt(importDrafts.createdAt, new Date(Date.now() - DRAFT_LIFETIME_MS)));
    const [draft] = await this.db
      .insert(importDrafts)
      .values({ id: randomBytes(12).toString("base64url"), user, fileName: fileName.slice(0, 200), format: file.format, content: Buffer.from(bytes), mapping })
      .returning();
    return draft!;
  }

  /** Only the person who uploaded a draft can see or use it. */
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
  }

  /** Problems are worded in `locale` (the reader's on the pages, English in the API). */
  async check(draft: ImportDraft, locale: Locale = "en", progress?: ProgressReport): Promise<CheckedImport> {
    const file = await readCatalogFile(new Uint8Array(draft.content));
    if (file.format === "json") {
      const rows: SourceRow[] = file.features.map((data, index) => ({ row: index + 1, data, column: (path) => path }));
      const checked = checkCatalog(rows, locale);
      progress?.(rows.length, rows.length);
      return { draft, file, mappingProblems: {}, ...checked, rowCount: rows.length };
    }
    const mapping = draft.mapping ? (JSON.parse(draft.mapping) as ColumnMapping) : guessMapping(file.headers);
    const problems = mappingProblems(mapping, file.headers);
    if (Object.keys(problems).length > 0) {
      return { draft, file, mapping, mappingProblems: problems, errors: [], features: [], rowCount: file.rows.length };
    }
    const column = (path: string) => {
      const [top = "", ...rest] = path.split(/(?=[.[])/);
      const header = mapping[top as Field] || top;
      return rest.length > 0 ? `${header} ${rest.join("").replace(/^\./, "")}` : header;
    };
    const jsonErrors: CatalogError[] = [];
    const rows: SourceRow[] = file.rows.map(({ row, cells }) => {
      const { data, parametersError } = rowToFeatureInput(cells, mapping);
      if (parametersError) {
        const value = cells[mapping.parameters] ?? "";
        const reason = appTranslator(locale)("rule.parametersJson", { error: parametersError });
        jsonErrors.push({ row, column: mapping.parameters, value: value.slice(0, 80), reason, feature: String(data.id) || undefined });
      }
      return { row, data, column };
    });
    const checked = checkCatalog(rows, locale);
    progress?.(rows.length, rows.length);
    const errors = [...jsonErrors, ...checked.errors].sort((a, b) => a.row - b.row);
    return { draft, file, mapping, mappingProblems: {}, errors, features: errors.length > 0 ? [] : checked.features, rowCount: rows.length };
  }

  /**
   * Writes the draft as a new catalog version, or returns the problems and writes nothing. A file
   * with exactly the current version's features makes no new version: it says which one it matches.
   */
  async commit(
    draft: ImportDraft,
    locale: Locale,
    progress?: (phase: "check" | "write", done: number, total: number) => void,
  ): Promise<{ version: CatalogVersion } | { unchanged: CatalogVersion } | { checked: CheckedImport }> {
    const checked = await this.check(draft, locale, (done, total) => progress?.("check", done, total));
    if (checked.errors.length > 0 || Object.keys(checked.mappingProblems).length > 0 || checked.features.length === 0) return { checked };
    const current = await this.catalog.current();
    if (current?.contentHash === catalogHash(checked.features)) {
      await this.discard(draft);
      return { unchanged: current };
    }
    const name = (checked.file.format === "json" && checked.file.name) || draft.fileName.replace(/\.(csv|xlsx|json)$/i, "");
    const version = await this.catalog.addVersion(
      { name, source: draft.fileName, format: draft.format, importedBy: draft.user, features: checked.features },
      (done, total) => progress?.("write", done, total),
    );
    await this.discard(draft);
    return { version };
  }
}
