// The generated JSON document: one per feature set (set-wide values, the sites and their
// overrides) or one per site (values with that site's overrides applied). The valibot schema
// checks every document before it is written and is published as JSON Schema at
// GET /app/api/schema, so a script can check what it downloads against the same rules.
// Deterministic: keys sorted (canonicalJson), features by id, sites by name, no timestamps, so the
// bytes depend only on what is configured. It names the set's revision and the catalog version it
// was made from, so a configuration script can check what it is about to apply.
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import type { LoadedCatalog } from "../catalog/catalog-store";
import { canonicalJson } from "../canonical-json";
import type { FeatureSet } from "./feature-set-store";
import { type Resolution, effectiveValues } from "./resolve";
import type { Site } from "./set-content";

export const DOCUMENT_FORMAT = "5gfm.feature-set-document/1";

const wholeNumber = v.pipe(v.number(), v.integer(), v.minValue(1));
const parameterValues = v.record(v.string(), v.union([v.boolean(), v.number(), v.string()]));

export const documentSchema = v.object({
  format: v.literal(DOCUMENT_FORMAT),
  featureSet: v.object({ id: wholeNumber, name: v.pipe(v.string(), v.minLength(1)), owner: v.string(), revision: wholeNumber }),
  catalog: v.object({ version: wholeNumber, name: v.string() }),
  /** The site this document is for; null for the whole set. */
  site: v.nullable(v.pipe(v.string(), v.minLength(1))),
  features: v.array(
    v.object({
      id: v.pipe(v.string(), v.minLength(1)),
      name: v.string(),
      category: v.string(),
      release: v.string(),
      /** Chosen features that need this one; empty for a feature chosen by itself alone. */
      requiredBy: v.array(v.string()),
      parameters: parameterValues,
    }),
  ),
  /** In the whole-set document only: the sites and what each overrides. */
  sites: v.optional(v.array(v.object({ name: v.pipe(v.string(), v.minLength(1)), overrides: v.record(v.string(), parameterValues) }))),
});

export type SetDocument = v.InferOutput<typeof documentSchema>;

export const documentJsonSchema = () => ({
  $id: DOCUMENT_FORMAT,
  title: "5G Feature Manager feature set document",
  ...toJsonSchema(documentSchema),
});

/** Call only for a set that resolves without missing features or conflicts. */
export function buildDocument(set: FeatureSet, resolution: Resolution, catalog: LoadedCatalog, site?: Site): SetDocument {
  const content = set.content;
  return {
    format: DOCUMENT_FORMAT,
    featureSet: { id: set.id, name: set.name, owner: set.owner, revision: set.revision },
    catalog: { version: catalog.version.id, name: catalog.version.name },
    site: site?.name ?? null,
    features: resolution.features.map(({ id, feature, requiredBy }) => ({
      id,
      name: feature!.name,
      category: feature!.category,
      release: feature!.release,
      requiredBy,
      parameters: effectiveValues(feature!, content, site),
    })),
    sites: site ? undefined : content.sites.map((s) => ({ name: s.name, overrides: s.overrides })),
  };
}

/** The document's bytes, after checking it against the published schema. */
export function renderDocument(document: SetDocument): string {
  const checked = v.safeParse(documentSchema, document);
  if (!checked.success) throw new Error(`generated document fails its schema: ${checked.issues[0].message}`);
  return `${canonicalJson(checked.output, 2)}\n`;
}
