// A large set's page shows its features a page at a time, optionally filtered by id or name:
// rendering an input for every parameter of 5,000 features made 22 MB of HTML. The values of the
// features not shown stay as they are (saves merge what the page posts over the rest).
import type { ResolvedFeature, Resolution } from "./resolve";

export const FEATURES_PER_PAGE = 100;

export interface FeaturePage {
  filter: string;
  /** 1-based. */
  page: number;
  pages: number;
  /** Features matching the filter. */
  total: number;
  features: ResolvedFeature[];
}

export function pageOf(resolution: Resolution, query: { page?: string; filter?: string }): FeaturePage {
  const filter = (query.filter ?? "").trim().slice(0, 100);
  const needle = filter.toLowerCase();
  const matching = needle === "" ? resolution.features : resolution.features.filter((f) => `${f.id} ${f.feature?.name ?? ""}`.toLowerCase().includes(needle));
  const pages = Math.max(1, Math.ceil(matching.length / FEATURES_PER_PAGE));
  const asked = /^\d{1,6}$/.test(query.page ?? "") ? Number(query.page) : 1;
  const page = Math.min(Math.max(asked, 1), pages);
  return { filter, page, pages, total: matching.length, features: matching.slice((page - 1) * FEATURES_PER_PAGE, page * FEATURES_PER_PAGE) };
}
