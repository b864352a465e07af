// The catalog as a table (CSV, XLSX): one row per feature, our field names as headers,
// `requires`/`conflicts` as ids separated by ";", `parameters` as a JSON array. Export writes
// exactly what import reads, so an exported catalog re-imports unchanged.
import type { Feature } from "./feature-schema";

export const FIELDS = ["id", "name", "category", "release", "package", "status", "description", "requires", "conflicts", "parameters"] as const;
export type Field = (typeof FIELDS)[number];
export const REQUIRED_FIELDS: readonly Field[] = ["id", "name", "category", "release", "status"];

/** Our field → the file's header ("" when the file has no column for it). */
export type ColumnMapping = Record<Field, string>;

/** Other names spreadsheets use for our fields, compared without case, spaces or punctuation. */
const SYNONYMS: Record<Field, string[]> = {
  id: ["featureid", "fid", "code", "featurecode", "key"],
  name: ["featurename", "title"],
  category: ["group", "area", "domain", "featuregroup"],
  release: ["rel", "3gpprelease", "3gpp", "swrelease"],
  package: ["swpackage", "softwarepackage", "sw", "license", "licence"],
  status: ["state", "lifecycle"],
  description: ["desc", "details", "summary", "comment"],
  requires: ["prerequisites", "prerequisite", "dependson", "depends", "dependencies", "prereq", "needs"],
  conflicts: ["conflictswith", "incompatible", "incompatiblewith", "excludes", "mutuallyexclusive"],
  parameters: ["params", "parameter", "settings"],
};

const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The mapping a person would most likely pick: exact names first, then known synonyms. */
export function guessMapping(headers: string[]): ColumnMapping {
  const mapping = Object.fromEntries(FIELDS.map((field) => [field, ""])) as ColumnMapping;
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

const splitIds = (cell: string) => cell.split(/[;,\s]+/).filter(Boolean);

/**
 * One table row as the object the feature schema checks. A `parameters` cell that is not JSON
 * comes back as its parse error and is checked as an empty list, so the row's id still counts as known.
 */
export function rowToFeatureInput(cells: Record<string, string>, mapping: ColumnMapping): { data: Record<string, unknown>; parametersError?: string } {
  const cell = (field: Field) => (mapping[field] ? unescapeFormula(cells[mapping[field]] ?? "").trim() : "");
  const data: Record<string, unknown> = {
    id: cell("id"),
    name: cell("name"),
    category: cell("category"),
    release: cell("release"),
    package: cell("package"),
    status: cell("status").toLowerCase(),
    description: cell("description"),
    requires: splitIds(cell("requires")),
    conflicts: splitIds(cell("conflicts")),
    parameters: [],
  };
  const parameters = cell("parameters");
  if (parameters === "") return { data };
  try {
    data.parameters = JSON.parse(parameters);
    return { data };
  } catch (error) {
    return { data, parametersError: (error as Error).message };
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
