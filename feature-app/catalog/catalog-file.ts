// Reads an uploaded catalog file (CSV with papaparse, XLSX with exceljs, JSON) into rows, and
// writes the catalog back out in the same three formats. A file that cannot be read at all
// throws a CatalogFileError whose message says why, in terms of the file.
import Papa from "papaparse";
import { canonicalJson } from "../canonical-json";
import type { Feature } from "./feature-schema";
import { FIELDS, featureToRow } from "./tabular";
import { CatalogFileError } from "./catalog-file-error";
import { checkZipLimits } from "./zip-limits";

export { CatalogFileError };
import { type TextEncodingName, decodeText } from "./text-encoding";

export type FileFormat = "csv" | "xlsx" | "json";

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;
/** How far an XLSX may unpack when the gateway sets nothing (its setting importUnpackMaxMb). */
export const DEFAULT_UNPACK_MAX_BYTES = 100 * 1024 * 1024;


export type ReadCatalogFile =
  /** `encoding`: what a CSV was read as (the page says so). */
  | { format: "csv" | "xlsx"; headers: string[]; rows: { row: number; cells: Record<string, string> }[]; encoding?: TextEncodingName }
  | { format: "json"; name?: string; features: unknown[] };

/** By content, not by the name: XLSX is a zip ("PK"), JSON starts with { or [, anything else is CSV. */
export function detectFormat(bytes: Uint8Array): FileFormat {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return "xlsx";
  const start = (decodeText(bytes.subarray(0, 64))?.text ?? "").trimStart();
  return start.startsWith("{") || start.startsWith("[") ? "json" : "csv";
}

/** What the file's name says it is; only used to explain a file whose content says otherwise. */
function namedFormat(fileName: string): FileFormat | undefined {
  const extension = fileName.toLowerCase().split(".").at(-1);
  return extension === "csv" || extension === "xlsx" || extension === "json" ? extension : undefined;
}

export async function readCatalogFile(bytes: Uint8Array, fileName = "", unpackMaxBytes = DEFAULT_UNPACK_MAX_BYTES): Promise<ReadCatalogFile> {
  if (bytes.byteLength === 0) throw new CatalogFileError("file.empty");
  const format = detectFormat(bytes);
  const named = namedFormat(fileName);
  // Read as CSV, a damaged .json or .xlsx file would be reported as a table without rows.
  if (named === "json" && format !== "json") throw new CatalogFileError("file.notJson");
  if (named === "xlsx" && format !== "xlsx") throw new CatalogFileError("file.notXlsx");
  if (format === "json") return readJson(bytes);
  const table: { headers: string[]; rows: { row: number; cells: Record<string, string> }[]; encoding?: TextEncodingName } =
    format === "csv" ? readCsv(bytes) : await readXlsx(bytes, unpackMaxBytes);
  if (table.rows.length > IMPORT_MAX_ROWS) throw new CatalogFileError("file.tooManyRows", { count: table.rows.length, max: IMPORT_MAX_ROWS });
  if (table.rows.length === 0) throw new CatalogFileError("file.noRows");
  return { format, ...table };
}

function text(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const decoded = decodeText(bytes);
  if (!decoded) throw new CatalogFileError("file.notUtf8");
  return decoded;
}

function readJson(bytes: Uint8Array): ReadCatalogFile {
  let data: unknown;
  try {
    data = JSON.parse(text(bytes).text);
  } catch (error) {
    throw new CatalogFileError("file.badJson", { error: (error as Error).message });
  }
  if (Array.isArray(data)) return { format: "json", features: data };
  const object = data as { name?: unknown; features?: unknown };
  if (!Array.isArray(object?.features)) throw new CatalogFileError("file.jsonShape");
  if (object.features.length > IMPORT_MAX_ROWS) throw new CatalogFileError("file.tooManyFeatures", { count: object.features.length, max: IMPORT_MAX_ROWS });
  return { format: "json", name: typeof object.name === "string" ? object.name : undefined, features: object.features };
}

function headersOf(first: string[]): string[] {
  const headers = first.map((h) => h.trim());
  if (headers.every((h) => h === "")) throw new CatalogFileError("file.noHeaders");
  const duplicate = headers.find((h, i) => h !== "" && headers.indexOf(h) !== i);
  if (duplicate) throw new CatalogFileError("file.duplicateHeader", { name: duplicate });
  return headers;
}

/** Rows keep their spreadsheet numbers (header = 1) even when blank rows are skipped. */
function tableOf(records: string[][]): { headers: string[]; rows: { row: number; cells: Record<string, string> }[] } {
  const [first, ...rest] = records;
  if (!first) throw new CatalogFileError("file.noHeaderRow");
  const headers = headersOf(first);
  const rows: { row: number; cells: Record<string, string> }[] = [];
  rest.forEach((record, index) => {
    if (record.every((cell) => cell.trim() === "")) return;
    const cells: Record<string, string> = {};
    headers.forEach((header, column) => {
      if (header) cells[header] = record[column] ?? "";
    });
    rows.push({ row: index + 2, cells });
  });
  return { headers: headers.filter(Boolean), rows };
}

function readCsv(bytes: Uint8Array) {
  const { text: content, encoding } = text(bytes);
  const parsed = Papa.parse<string[]>(content, { skipEmptyLines: false });
  const fatal = parsed.errors.find((e) => e.type === "Quotes");
  if (fatal) throw new CatalogFileError("file.badCsv", { row: (fatal.row ?? 0) + 1, error: fatal.message });
  return { ...tableOf(parsed.data), encoding };
}

/** exceljs is large; it is loaded on first use so an idle instance doesn't carry it. */
const loadExcel = async () => (await import("exceljs")).default;

async function readXlsx(bytes: Uint8Array, unpackMaxBytes: number) {
  checkZipLimits(bytes, unpackMaxBytes);
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (error) {
    throw new CatalogFileError("file.badXlsx", { error: (error as Error).message });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new CatalogFileError("file.noSheet");
  const records: string[][] = [];
  // Both are getters that walk every row: read once, not once per cell (that made a 5,000-row
  // workbook take 26 s to read instead of 1).
  const rowCount = sheet.rowCount;
  const columnCount = sheet.columnCount;
  for (let r = 1; r <= rowCount; r++) {
    const row = sheet.getRow(r);
    const record: string[] = [];
    for (let c = 1; c <= columnCount; c++) record.push(row.getCell(c).text ?? "");
    records.push(record);
  }
  return tableOf(records);
}

// ---- writing -------------------------------------------------------------------------------

export function catalogToJson(name: string, features: Feature[]): string {
  return `${canonicalJson({ name, features }, 2)}\n`;
}

export function catalogToCsv(features: Feature[]): string {
  return tableToCsv([...FIELDS], catalogRows(features));
}

const catalogRows = (features: Feature[]) => features.map((f) => FIELDS.map((field) => featureToRow(f)[field]));

export function tableToCsv(headers: string[], rows: string[][]): string {
  // escapeFormulae: a cell starting with = + - @ would run as a formula in a spreadsheet.
  return Papa.unparse({ fields: headers, data: rows }, { escapeFormulae: true });
}

export function catalogToXlsx(features: Feature[]): Promise<Uint8Array<ArrayBuffer>> {
  return tableToXlsx([...FIELDS], catalogRows(features));
}

export async function tableToXlsx(headers: string[], rows: string[][]): Promise<Uint8Array<ArrayBuffer>> {
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("features");
  sheet.addRow(headers);
  // Every cell is written as text: ids like "1E5" must not become numbers, nor "=…" formulas.
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  return new Uint8Array(await workbook.xlsx.writeBuffer() as ArrayBuffer);
}
