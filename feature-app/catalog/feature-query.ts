// The catalog table's query string, shared by the page and GET /app/api/features: one schema,
// so the page and the API accept and refuse exactly the same things.
import * as v from "valibot";
import { FEATURE_STATUSES } from "./feature-schema";
import { type FeatureQuery, SORT_COLUMNS, type SortKey } from "./catalog-store";
import type { Locale } from "../../src/i18n/messages";
import { type AppTranslate, appTranslator } from "../messages";

export const PAGE_SIZES = [25, 50, 100] as const;
const MAX_PAGE_SIZE = 1000;

function buildQuerySchema(t: AppTranslate) {
  const wholeNumber = (field: string, min: number, max: number) =>
    v.pipe(
      v.string(),
      v.regex(/^\d{1,7}$/, t("query.wholeNumber", { field })),
      v.transform(Number),
      v.minValue(min, t("query.atLeast", { field, min })),
      v.maxValue(max, t("query.atMost", { field, max })),
    );
  const tooLong = (field: string) => t("query.tooLong", { field });
  const oneOf = (field: string, list: readonly string[]) => t("query.oneOf", { field, list: list.join(", ") });
  return v.object({
    q: v.optional(v.pipe(v.string(), v.maxLength(200, tooLong("q"))), ""),
    category: v.optional(v.pipe(v.string(), v.maxLength(100, tooLong("category"))), ""),
    release: v.optional(v.pipe(v.string(), v.maxLength(40, tooLong("release"))), ""),
    status: v.optional(v.picklist(["", ...FEATURE_STATUSES], oneOf("status", FEATURE_STATUSES)), ""),
    sort: v.optional(v.picklist(Object.keys(SORT_COLUMNS) as SortKey[], oneOf("sort", Object.keys(SORT_COLUMNS))), "id"),
    dir: v.optional(v.picklist(["asc", "desc"], oneOf("dir", ["asc", "desc"])), "asc"),
    page: v.optional(wholeNumber("page", 1, 1_000_000), "1"),
    pageSize: v.optional(wholeNumber("pageSize", 1, MAX_PAGE_SIZE), "50"),
  });
}

const schemaByLocale = new Map<Locale, ReturnType<typeof buildQuerySchema>>();

export const DEFAULT_QUERY: FeatureQuery = { q: "", category: "", release: "", status: "", sort: "id", direction: "asc", page: 1, pageSize: 50 };

export type QueryResult = { ok: true; query: FeatureQuery } | { ok: false; error: string };

/** The refusal is worded in `locale`: the reader's on the page, English in the API. */
export function parseFeatureQuery(params: Record<string, string>, locale: Locale = "en"): QueryResult {
  let schema = schemaByLocale.get(locale);
  if (!schema) {
    schema = buildQuerySchema(appTranslator(locale));
    schemaByLocale.set(locale, schema);
  }
  const parsed = v.safeParse(schema, params);
  if (!parsed.success) return { ok: false, error: parsed.issues[0].message };
  const { dir, ...rest } = parsed.output;
  return { ok: true, query: { ...rest, q: rest.q.trim(), direction: dir } };
}

/** The query string of `query` with `change` applied; defaults are left out to keep links short. */
export function queryString(query: FeatureQuery, change: Partial<FeatureQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.category) params.set("category", next.category);
  if (next.release) params.set("release", next.release);
  if (next.status) params.set("status", next.status);
  if (next.sort !== DEFAULT_QUERY.sort) params.set("sort", next.sort);
  if (next.direction !== DEFAULT_QUERY.direction) params.set("dir", next.direction);
  if (next.page !== DEFAULT_QUERY.page) params.set("page", String(next.page));
  if (next.pageSize !== DEFAULT_QUERY.pageSize) params.set("pageSize", String(next.pageSize));
  const text = params.toString();
  return text ? `?${text}` : "";
}
