// Checks a whole catalog: each row against the feature schema, then what only the whole
// catalog can tell — duplicate ids, references to features that don't exist, and cycles in
// `requires`. Every problem is reported (row, column, value, reason); a catalog is usable only
// when there are none.
import * as v from "valibot";
import type { Locale } from "../../src/i18n/messages";
import { type AppTranslate, appTranslator } from "../messages";
import { type Feature, featureSchemaIn } from "./feature-schema";

export interface CatalogError {
  /** The row in the file as a spreadsheet numbers it (header = 1), or the position in a JSON array (from 1). */
  row: number;
  /** The file's column header for that field, or the field's path in JSON. */
  column: string;
  value: string;
  reason: string;
  /** The feature the row describes, when its id could be read. */
  feature?: string;
  /** What kind of problem, for the report's groups ("unknown feature", "status must be one of …"). */
  kind?: string;
}

export interface SourceRow {
  row: number;
  data: unknown;
  /** Names a field path (e.g. "parameters[2].default") the way the file does. */
  column(path: string): string;
}

const MAX_VALUE_LENGTH = 80;

export function shortValue(value: unknown): string {
  const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    path += typeof item.key === "number" ? `[${item.key}]` : path ? `.${String(item.key)}` : String(item.key);
  }
  return path;
}

function describeIssue(issue: v.BaseIssue<unknown>, t: AppTranslate): string {
  // A missing field is worded plainly, whatever the field's own type message says.
  if (issue.kind === "schema" && issue.input === undefined) return t("rule.missing");
  return issue.message;
}

/**
 * Every problem is worded in `locale`: the pages pass the reader's, the API English. `elsewhere`:
 * ids the file defines in rows not checked now (a sample's preview), so references to them are known.
 */
export function checkCatalog(rows: SourceRow[], locale: Locale = "en", elsewhere?: Set<string>): { features: Feature[]; errors: CatalogError[] } {
  const t = appTranslator(locale);
  const featureSchema = featureSchemaIn(locale);
  const errors: CatalogError[] = [];
  const parsed: { row: SourceRow; feature: Feature }[] = [];
  const firstRowOf = new Map<string, number>();

  for (const row of rows) {
    const id = readId(row.data);
    if (id !== undefined) {
      const first = firstRowOf.get(id);
      if (first !== undefined) {
        errors.push({ row: row.row, column: row.column("id"), value: id, reason: t("rule.duplicate", { id, row: first }), feature: id, kind: t("rule.kind.duplicate") });
        continue;
      }
      firstRowOf.set(id, row.row);
    }
    const result = v.safeParse(featureSchema, row.data);
    if (!result.success) {
      for (const issue of result.issues) {
        const path = issuePath(issue);
        // A rule checked on a whole object and forwarded to one field (e.g. default vs. min/max)
        // carries the object as its input; the field's own value is the useful one to show.
        const last = issue.path?.at(-1);
        const value = last && "value" in last ? last.value : issue.input;
        const reason = describeIssue(issue, t);
        // "is missing" says which field only with it; the other messages name their field.
        const kind = reason === t("rule.missing") ? `${String(issue.path?.[0]?.key ?? "id")} ${reason}` : reason;
        errors.push({ row: row.row, column: row.column(path || "id"), value: shortValue(value), reason, feature: id, kind });
      }
      continue;
    }
    parsed.push({ row, feature: result.output });
  }

  // References are checked against every id in the file, so one bad row doesn't cascade into
  // "unknown feature" errors on the rows that mention it.
  for (const { row, feature } of parsed) {
    for (const field of ["requires", "conflicts"] as const) {
      for (const ref of feature[field]) {
        if (!firstRowOf.has(ref) && !elsewhere?.has(ref)) {
          errors.push({ row: row.row, column: row.column(field), value: ref, reason: t("rule.unknown", { id: ref }), feature: feature.id, kind: t("rule.kind.unknown") });
        }
      }
    }
  }
  for (const cycle of findCycles(parsed.map((p) => p.feature))) {
    const first = cycle[0]!;
    const row = parsed.find((p) => p.feature.id === first)!.row;
    errors.push({
      row: row.row,
      column: row.column("requires"),
      value: cycle[1] ?? cycle[0]!,
      reason: t("rule.cycle", { cycle: [...cycle, first].join(" → ") }),
      feature: first,
      kind: t("rule.kind.cycle"),
    });
  }
  errors.sort((a, b) => a.row - b.row);
  return { features: errors.length === 0 ? parsed.map((p) => p.feature) : [], errors };
}

function readId(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const id = (data as { id?: unknown }).id;
  return typeof id === "string" && id.trim() !== "" ? id.trim() : undefined;
}

/**
 * Each cycle in `requires` once, as the list of ids around it starting from its smallest id.
 * Iterative depth-first search with colours: a back edge to a node on the stack closes a cycle.
 */
export function findCycles(features: Feature[]): string[][] {
  const requires = new Map(features.map((f) => [f.id, f.requires]));
  const state = new Map<string, "open" | "done">();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const start of [...requires.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, "open");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = requires.get(top.id) ?? [];
      if (top.next >= edges.length) {
        state.set(top.id, "done");
        stack.pop();
        continue;
      }
      const target = edges[top.next++]!;
      if (!requires.has(target)) continue;
      const targetState = state.get(target);
      if (targetState === "open") {
        const cycle = stack.slice(stack.findIndex((s) => s.id === target)).map((s) => s.id);
        const rotated = rotateToSmallest(cycle);
        const key = rotated.join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (targetState === undefined) {
        state.set(target, "open");
        stack.push({ id: target, next: 0 });
      }
    }
  }
  return cycles;
}

function rotateToSmallest(cycle: string[]): string[] {
  let smallest = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i]! < cycle[smallest]!) smallest = i;
  return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
}

/** Everything `id` needs, directly or through other features, nearest first. */
export function prerequisitesOf(byId: Map<string, Feature>, id: string): string[] {
  return reachable(id, (next) => byId.get(next)?.requires ?? []);
}

/** Every feature that needs `id`, directly or through other features, nearest first. */
export function dependentsOf(features: Feature[], id: string): string[] {
  const requiredBy = new Map<string, string[]>();
  for (const feature of features) {
    for (const required of feature.requires) requiredBy.set(required, [...(requiredBy.get(required) ?? []), feature.id]);
  }
  return reachable(id, (next) => requiredBy.get(next) ?? []);
}

/** Breadth-first: the ids reachable from `start` along `edges`, without `start` itself. */
function reachable(start: string, edges: (id: string) => string[]): string[] {
  const seen = new Set([start]);
  const queue = [...edges(start)];
  const found: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i]!;
    if (seen.has(next)) continue;
    seen.add(next);
    found.push(next);
    queue.push(...edges(next));
  }
  return found;
}
