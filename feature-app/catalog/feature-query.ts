// The catalog table's query string, shared by the page and GET /app/api/features: one schema,
// so the page and the API accept and refuse exactly the same things.
import * as v from "valibot";
import { FEATURE_STATUSES } from "./feature-schema";
import { type FeatureQuery, SORT_COLUMNS, type SortKey } from "./catalog-store";

export const PAGE_SIZES = [25, 50, 100] as const;
const MAX_PAGE_SIZE = 1000;

const wholeNumber = (field: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,7}$/, `${field} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${field} must be at least ${min}`),
    v.maxValue(max, `${field} may be at most ${max}`),
  );

const featureQuerySchema = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(200, "the search may have at most 200 characters")), ""),
  category: v.optional(v.pipe(v.string(), v.maxLength(100, "category is too long")), ""),
  release: v.optional(v.pipe(v.string(), v.maxLength(40, "release is too long")), ""),
  status: v.optional(v.picklist(["", ...FEATURE_STATUSES], `status must be one of ${FEATURE_STATUSES.join(", ")}`), ""),
  sort: v.optional(v.picklist(Object.keys(SORT_COLUMNS) as SortKey[], `sort must be one of ${Object.keys(SORT_COLUMNS).join(", ")}`), "id"),
  dir: v.optional(v.picklist(["asc", "desc"], "dir must be asc or desc"), "asc"),
  page: v.optional(wholeNumber("page", 1, 1_000_000), "1"),
  pageSize: v.optional(wholeNumber("pageSize", 1, MAX_PAGE_SIZE), "50"),
});

export const DEFAULT_QUERY: FeatureQuery = { q: "", category: "", release: "", status: "", sort: "id", direction: "asc", page: 1, pageSize: 50 };

export type QueryResult = { ok: true; query: FeatureQuery } | { ok: false; error: string };

export function parseFeatureQuery(params: Record<string, string>): QueryResult {
  const parsed = v.safeParse(featureQuerySchema, params);
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
