// Content from outside (the API's JSON, the page's form) made ready to store: its shape checked
// by the schema, its features and values by the current catalog, then normalised. Each problem
// comes back with the path it concerns; nothing is stored unless there are none.
import * as v from "valibot";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { AppTranslate } from "../messages";
import { type ContentProblem, checkAgainstCatalog, normalizeContent } from "./resolve";
import { type SetContent, contentSchema, issuePath, setNameSchema } from "./set-content";

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: ContentProblem[] };

export function checkName(input: unknown, t: AppTranslate): Checked<string> {
  const parsed = v.safeParse(setNameSchema(t), input);
  return parsed.success ? { ok: true, value: parsed.output } : { ok: false, errors: [{ path: "name", message: parsed.issues[0].message }] };
}

export function checkContent(input: unknown, catalog: LoadedCatalog, t: AppTranslate, previous?: SetContent): Checked<SetContent> {
  const parsed = v.safeParse(contentSchema(t), input);
  if (!parsed.success) return { ok: false, errors: parsed.issues.map((issue) => ({ path: `content.${issuePath(issue)}`.replace(/\.$/, ""), message: issue.message })) };
  const problems = checkAgainstCatalog(parsed.output, catalog, t, previous);
  if (problems.length > 0) return { ok: false, errors: problems.map((p) => ({ path: `content.${p.path}`, message: p.message })) };
  return { ok: true, value: normalizeContent(parsed.output, catalog) };
}

export function staleMessage(t: AppTranslate, base: number, current: { revision: number; updatedBy: string }): string {
  return t("sets.stale", { base, revision: current.revision, user: current.updatedBy });
}
