// A set's sites as a table, for planning spreadsheets: one row per site, a "site" column, then one
// column per overridden parameter named "FEATURE.parameter"; an empty cell inherits. Export writes
// exactly what import reads. An imported table is checked whole (every bad cell is named by row and
// column) and replaces the sites only when nothing is wrong.
import Papa from "papaparse";
import { CatalogFileError, readCatalogFile } from "../catalog/catalog-file";
import type { ParameterValue } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";
import type { Resolution } from "./resolve";
import { MAX_SITES, type Site, type Values, checkValue, siteKey, siteNameSchema, valueFromText } from "./set-content";
import * as v from "valibot";

export const SITE_COLUMN = "site";

export function sitesTable(sites: Site[]): { headers: string[]; rows: string[][] } {
  const columns = [...new Set(sites.flatMap((s) => Object.entries(s.overrides).flatMap(([id, values]) => Object.keys(values).map((name) => `${id}.${name}`))))].sort();
  const cell = (site: Site, column: string) => {
    const dot = column.lastIndexOf(".");
    const value = site.overrides[column.slice(0, dot)]?.[column.slice(dot + 1)];
    return value === undefined ? "" : String(value);
  };
  return { headers: [SITE_COLUMN, ...columns], rows: sites.map((s) => [s.name, ...columns.map((c) => cell(s, c))]) };
}

/** Cells a spreadsheet would run as a formula get a leading ', but not negative numbers (dBm values are). */
const FORMULA = /^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?(?:e[-+]?\d+)?$))/i;

export function sitesToCsv(sites: Site[]): string {
  const { headers, rows } = sitesTable(sites);
  return Papa.unparse({ fields: headers, data: rows }, { escapeFormulae: FORMULA });
}

/** The ' a CSV export put before a formula-like cell, taken off again. */
const unescaped = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

export async function sitesToXlsx(sites: Site[]): Promise<Uint8Array> {
  const ExcelJS = (await import("exceljs")).default;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("sites");
  const { headers, rows } = sitesTable(sites);
  sheet.addRow(headers);
  // Text cells: a site named "0012" stays "0012".
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

export interface TableProblem {
  row: number;
  column: string;
  message: string;
}

/** The table's rows as sites, checked against the features the set holds; or every problem. */
export function sitesFromTable(
  table: { headers: string[]; rows: { row: number; cells: Record<string, string> }[] },
  resolution: Resolution,
  t: AppTranslate,
): { ok: true; sites: Site[] } | { ok: false; problems: TableProblem[] } {
  const problems: TableProblem[] = [];
  const nameColumn = table.headers.find((h) => h.trim().toLowerCase() === SITE_COLUMN);
  if (!nameColumn) return { ok: false, problems: [{ row: 1, column: "", message: t("sites.table.noSiteColumn") }] };
  if (table.rows.length > MAX_SITES) return { ok: false, problems: [{ row: 1, column: "", message: t("sets.error.tooMany", { max: MAX_SITES }) }] };
  const byId = new Map(resolution.features.map((f) => [f.id, f.feature]));
  const columns = table.headers.filter((h) => h !== nameColumn);
  const parameters = new Map<string, { id: string; name: string; check: (text: string) => { value: ParameterValue } | { error: string } }>();
  for (const column of columns) {
    const dot = column.lastIndexOf(".");
    const [id, name] = [column.slice(0, dot), column.slice(dot + 1)];
    const feature = byId.get(id);
    const parameter = feature?.parameters.find((p) => p.name === name);
    if (dot < 1 || !byId.has(id)) problems.push({ row: 1, column, message: t("sets.error.notInSet", { id: dot < 1 ? column : id }) });
    else if (!parameter) problems.push({ row: 1, column, message: t("sets.error.noParameter", { id, name }) });
    else parameters.set(column, { id, name, check: (text) => checkValue(parameter, valueFromText(parameter, text), t) });
  }
  const sites: Site[] = [];
  const seen = new Set<string>();
  for (const { row, cells } of table.rows) {
    const name = v.safeParse(siteNameSchema(t), unescaped(cells[nameColumn] ?? ""));
    if (!name.success) problems.push({ row, column: nameColumn, message: name.issues[0].message });
    else if (seen.has(siteKey(name.output))) problems.push({ row, column: nameColumn, message: t("sets.error.siteTwice") });
    else seen.add(siteKey(name.output));
    const overrides: Values = {};
    for (const [column, parameter] of parameters) {
      const text = unescaped((cells[column] ?? "").trim());
      if (text === "") continue;
      const checked = parameter.check(text);
      if ("error" in checked) problems.push({ row, column, message: checked.error });
      else overrides[parameter.id] = { ...overrides[parameter.id], [parameter.name]: checked.value };
    }
    if (name.success) sites.push({ name: name.output, overrides });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, sites };
}

/** An uploaded sites table read and checked; problems are worded for the reader. */
export async function readSitesFile(bytes: Uint8Array, fileName: string, resolution: Resolution, t: AppTranslate): Promise<{ ok: true; sites: Site[] } | { ok: false; problems: string[] }> {
  let table: Awaited<ReturnType<typeof readCatalogFile>>;
  try {
    table = await readCatalogFile(bytes, fileName);
  } catch (error) {
    if (error instanceof CatalogFileError) return { ok: false, problems: [error.in(t)] };
    throw error;
  }
  if (table.format === "json") return { ok: false, problems: [t("sites.table.notTable")] };
  const read = sitesFromTable(table, resolution, t);
  return read.ok ? read : { ok: false, problems: read.problems.map((p) => t("sites.table.problem", { ...p })) };
}
