// What a feature set holds, as valibot schemas: the features chosen by hand, parameter values
// that differ from the catalog's defaults, and the target sites with their own overrides. The
// page's form and the API both end here, so they accept and refuse exactly the same things.
// Messages go through the translator: the page shows them in the reader's language.
import * as v from "valibot";
import { FEATURE_ID, PARAMETER_NAME, type Parameter, type ParameterValue } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";

export const MAX_SET_FEATURES = 10_000;
export const MAX_SITES = 2000;
/** Site names become file names in a zip, so they hold letters, digits, space, '.', '_' and '-' only. */
export const SITE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

/** Two sites whose names differ only in case or in space against "_" would get the same file name in a zip. */
export const siteKey = (name: string) => name.trim().toLowerCase().replace(/ /g, "_");

export type Values = Record<string, Record<string, ParameterValue>>;
export interface Site {
  name: string;
  overrides: Values;
}
export interface SetContent {
  /** Chosen by hand; their prerequisites come with them without being listed here. */
  features: string[];
  /** Set-wide values, feature id → parameter → value; absent means the catalog default. */
  values: Values;
  sites: Site[];
}

export const EMPTY_CONTENT: SetContent = { features: [], values: {}, sites: [] };

const unique = <T>(items: T[], key: (item: T) => string) => new Set(items.map(key)).size === items.length;

export function setNameSchema(t: AppTranslate) {
  return v.pipe(v.string(t("sets.error.nameEmpty")), v.trim(), v.nonEmpty(t("sets.error.nameEmpty")), v.maxLength(100, t("sets.error.nameLong")));
}

export function siteNameSchema(t: AppTranslate) {
  return v.pipe(v.string(t("sets.error.siteName")), v.trim(), v.regex(SITE_NAME, t("sets.error.siteName")));
}

export function contentSchema(t: AppTranslate) {
  const featureId = v.pipe(v.string(t("sets.error.featureId")), v.regex(FEATURE_ID, t("sets.error.featureId")));
  const values = v.record(
    featureId,
    v.record(v.pipe(v.string(), v.regex(PARAMETER_NAME, t("sets.error.parameterName"))), v.union([v.boolean(), v.number(), v.string()], t("sets.error.valueType"))),
  );
  return v.object({
    features: v.pipe(
      v.array(featureId, t("sets.error.features")),
      v.maxLength(MAX_SET_FEATURES, t("sets.error.tooMany", { max: MAX_SET_FEATURES })),
      v.check((ids) => unique(ids, String), t("sets.error.featureTwice")),
    ),
    values: v.optional(values, {}),
    sites: v.optional(
      v.pipe(
        v.array(v.object({ name: siteNameSchema(t), overrides: v.optional(values, {}) }), t("sets.error.sites")),
        v.maxLength(MAX_SITES, t("sets.error.tooMany", { max: MAX_SITES })),
        v.check((sites) => unique(sites, (s) => siteKey(s.name)), t("sets.error.siteTwice")),
      ),
      [],
    ),
  });
}

/** One parameter's value rules, from its catalog definition. */
function valueSchema(parameter: Parameter, t: AppTranslate) {
  switch (parameter.type) {
    case "bool":
      return v.boolean(t("sets.value.bool"));
    case "int":
    case "float": {
      const range =
        parameter.min === parameter.max ? t("sets.value.only", { value: parameter.min }) : t("sets.value.range", { min: parameter.min, max: parameter.max });
      const number = v.pipe(v.number(t(`sets.value.${parameter.type}`)), v.finite(t(`sets.value.${parameter.type}`)));
      return v.pipe(
        number,
        v.check((n) => parameter.type === "float" || Number.isInteger(n), t("sets.value.int")),
        v.minValue(parameter.min, range),
        v.maxValue(parameter.max, range),
      );
    }
    case "enum":
      return v.picklist(parameter.allowed, t("sets.value.enum", { allowed: parameter.allowed.join(", ") }));
    case "string":
      return v.pipe(v.string(t("sets.value.string")), v.maxLength(parameter.maxLength, t("sets.value.long", { max: parameter.maxLength })));
  }
}

/** A number as people type it: sign, digits, a decimal point, an exponent. */
export const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A form field's text as the value its parameter's type expects; text that isn't one stays text and fails the check. */
export function valueFromText(parameter: Parameter, text: string): unknown {
  const trimmed = text.trim();
  if (parameter.type === "bool") return trimmed === "true" ? true : trimmed === "false" ? false : text;
  if (parameter.type === "int" || parameter.type === "float") {
    return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : text;
  }
  return text;
}

export function checkValue(parameter: Parameter, input: unknown, t: AppTranslate): { value: ParameterValue } | { error: string } {
  const parsed = v.safeParse(valueSchema(parameter, t), input);
  return parsed.success ? { value: parsed.output } : { error: parsed.issues[0].message };
}

/** A path in the content as the API reports it, e.g. "sites[2].overrides.FGR-CA0001.maxCc". */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => (typeof item.key === "number" ? `[${item.key}]` : `.${String(item.key)}`)).join("").replace(/^\./, "");
}
