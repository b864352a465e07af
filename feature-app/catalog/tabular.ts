// The catalog as a table (CSV, XLSX): one row per feature, our field names as headers,
// `requires`/`conflicts` as ids separated by ";", `parameters` as a JSON array. Export writes
// exactly what import reads, so an exported catalog re-imports unchanged. A Korean team's own
// spreadsheet reads too: Korean and vendor headers are recognised, Korean status words mapped,
// and vendor ids with spaces (`FAJ 121 4600`) kept whole.
import type { FEATURE_STATUSES, Feature } from "./feature-schema";

export const FIELDS = ["id", "name", "category", "release", "package", "status", "description", "requires", "conflicts", "parameters"] as const;
export type Field = (typeof FIELDS)[number];
export const REQUIRED_FIELDS: readonly Field[] = ["id", "name", "category", "release", "status"];

type Status = (typeof FEATURE_STATUSES)[number];

/**
 * Our field → the file's header ("" when the file has no column for it), and the catalog's own
 * status words (`운영` → active), set on the mapping page and remembered with the mapping.
 */
export type ColumnMapping = Record<Field, string> & { statusWords?: Record<string, Status> };

/** Other names spreadsheets use for our fields (English, vendor and Korean), compared without case, spaces or punctuation. */
const SYNONYMS: Record<Field, string[]> = {
  id: ["featureid", "fid", "code", "featurecode", "key", "기능id", "기능아이디", "기능코드", "피처id", "아이디"],
  name: ["featurename", "title", "기능명", "기능이름", "이름", "명칭", "피처명"],
  category: ["group", "area", "domain", "featuregroup", "featurecategory", "분류", "카테고리", "기능분류", "그룹", "기능그룹", "영역"],
  release: ["rel", "3gpprelease", "3gpp", "swrelease", "릴리즈", "릴리스", "3gpp릴리즈", "3gpp릴리스", "적용릴리즈", "적용릴리스"],
  package: ["swpackage", "softwarepackage", "sw", "license", "licence", "패키지", "sw패키지", "소프트웨어패키지", "라이선스", "라이센스"],
  status: ["state", "lifecycle", "featurestatus", "상태", "기능상태"],
  description: ["desc", "details", "summary", "comment", "featuredescription", "설명", "기능설명", "상세", "비고"],
  requires: ["prerequisites", "prerequisite", "prerequisitefeatures", "dependson", "depends", "dependencies", "prereq", "needs", "선행기능", "선행조건", "필요기능", "의존기능"],
  conflicts: ["conflictswith", "conflictingfeatures", "incompatible", "incompatiblewith", "excludes", "mutuallyexclusive", "충돌기능", "충돌", "상충기능", "배타기능"],
  parameters: ["params", "parameter", "parameterlist", "settings", "파라미터", "파라미터목록", "매개변수"],
};

const normalise = (header: string) => header.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/**
 * Status words a Korean team writes, the product's own Korean labels among them, compared like
 * headers (no case, spaces or punctuation). Anything else is checked as it is, and refused by
 * the schema with the list of statuses.
 */
const STATUS_WORDS: Record<string, Status> = {
  상용: "active",
  사용중: "active",
  운용중: "active",
  활성: "active",
  시험: "trial",
  시험중: "trial",
  시범: "trial",
  계획: "planned",
  계획됨: "planned",
  예정: "planned",
  단종: "deprecated",
  지원중단: "deprecated",
  폐기: "deprecated",
};

/** A status cell as our status, and whether it was a mapped word (the page lists those); the catalog's own words first. */
export function mapStatus(cell: string, own: Record<string, Status> = {}): { status: string; mapped: boolean } {
  const key = normalise(cell);
  const word = Object.hasOwn(own, key) ? own[key] : STATUS_WORDS[key];
  return word ? { status: word, mapped: true } : { status: cell.toLowerCase(), mapped: false };
}

/**
 * The mapping page's "own status words" box: one `word = status` per line. Returns the words
 * (keyed like the cells are compared), or the first line that is not one.
 */
export function parseStatusWords(text: string, statuses: readonly string[]): { words: Record<string, Status> } | { badLine: number } {
  const words: Record<string, Status> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const match = /^(.+?)\s*(?:=|→|->)\s*(\S+)\s*$/.exec(line.trim());
    const status = match?.[2]?.toLowerCase() ?? "";
    const key = normalise(match?.[1] ?? "");
    if (!match || key === "" || !statuses.includes(status)) return { badLine: index + 1 };
    words[key] = status as Status;
  }
  return { words };
}

/** The box's text for a stored mapping. */
export const statusWordsText = (mapping?: ColumnMapping) =>
  Object.entries(mapping?.statusWords ?? {})
    .map(([word, status]) => `${word} = ${status}`)
    .join("\n");

/** The mapping a person would most likely pick: exact names first, then known synonyms. */
export function guessMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = Object.fromEntries(FIELDS.map((field) => [field, ""])) as Record<Field, string>;
  const taken = new Set<string>();
  for (const pass of ["exact", "synonym"] as const) {
    for (const field of FIELDS) {
      if (mapping[field]) continue;
      const names = pass === "exact" ? [field] : SYNONYMS[field];
      const header = headers.find((h) => !taken.has(h) && names.includes(normalise(h)));
      if (header !== undefined) {
        mapping[field] = header;
        taken.add(header);
      }
    }
  }
  return mapping;
}

/** Why a field's column choice cannot be used; the pages word it in the reader's language. */
export interface MappingProblem {
  code: "missing" | "noColumn" | "taken";
  field: Field;
  header: string;
  /** For "taken": the field that already uses the column. */
  other: string;
}

/** What is wrong with a mapping, per field; empty when it can be used. */
export function mappingProblems(mapping: ColumnMapping, headers: string[]): Partial<Record<Field, MappingProblem>> {
  const problems: Partial<Record<Field, MappingProblem>> = {};
  const seen = new Map<string, Field>();
  for (const field of FIELDS) {
    const header = mapping[field];
    if (!header) {
      if (REQUIRED_FIELDS.includes(field)) problems[field] = { code: "missing", field, header: "", other: "" };
      continue;
    }
    if (!headers.includes(header)) problems[field] = { code: "noColumn", field, header, other: "" };
    const other = seen.get(header);
    if (other) problems[field] = { code: "taken", field, header, other };
    seen.set(header, field);
  }
  return problems;
}

/** Papaparse's formula escaping (CSV export) prefixes ' to cells a spreadsheet would run; undo it. */
function unescapeFormula(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Ids are separated by ";", "," or a line break, never by spaces: vendor ids hold spaces (`FAJ 121 4600`). */
const splitIds = (cell: string) =>
  cell
    .split(/[;,\r\n]+/)
    .map((id) => id.trim())
    .filter(Boolean);

/**
 * One table row as the object the feature schema checks. A `parameters` cell that is not JSON
 * comes back as its parse error and is checked as an empty list, so the row's id still counts as known.
 */
export function rowToFeatureInput(
  cells: Record<string, string>,
  mapping: ColumnMapping,
): { data: Record<string, unknown>; parametersError?: string; statusWord?: string } {
  const cell = (field: Field) => (mapping[field] ? unescapeFormula(cells[mapping[field]] ?? "").trim() : "");
  const status = mapStatus(cell("status"), mapping.statusWords);
  const data: Record<string, unknown> = {
    id: cell("id"),
    name: cell("name"),
    category: cell("category"),
    release: cell("release"),
    package: cell("package"),
    status: status.status,
    description: cell("description"),
    requires: splitIds(cell("requires")),
    conflicts: splitIds(cell("conflicts")),
    parameters: [],
  };
  const statusWord = status.mapped ? cell("status") : undefined;
  const parameters = cell("parameters");
  if (parameters === "") return { data, statusWord };
  try {
    data.parameters = JSON.parse(parameters);
    return { data, statusWord };
  } catch (error) {
    return { data, parametersError: (error as Error).message, statusWord };
  }
}

export function featureToRow(feature: Feature): Record<Field, string> {
  return {
    id: feature.id,
    name: feature.name,
    category: feature.category,
    release: feature.release,
    package: feature.package,
    status: feature.status,
    description: feature.description,
    requires: feature.requires.join("; "),
    conflicts: feature.conflicts.join("; "),
    parameters: feature.parameters.length > 0 ? JSON.stringify(feature.parameters) : "",
  };
}
