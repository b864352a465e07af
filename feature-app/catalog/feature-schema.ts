// The shape of a feature catalog, as one valibot schema: the embedded demo catalog, every
// import (CSV, XLSX or JSON) and the API are checked against the same rules. Rules that need
// the whole catalog (duplicate ids, unknown references, cycles) are in catalog-rules.ts.
// Messages come from the message catalog, so an import report reads in the reader's language;
// one schema per language is built on first use.
import * as v from "valibot";
import type { Locale } from "../../src/i18n/messages";
import { type AppTranslate, appTranslator } from "../messages";

/** Vendor ids hold single spaces (`FAJ 121 4600`); an id never starts or ends with one, nor holds two in a row. */
export const FEATURE_ID = /^(?!.* {2})[A-Za-z0-9](?:[A-Za-z0-9._ -]{0,62}[A-Za-z0-9._-])?$/;
export const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const FEATURE_STATUSES = ["planned", "trial", "active", "deprecated"] as const;

/** Every key a parameter may have; anything else is named in the report rather than silently dropped. */
export const PARAMETER_KEYS = ["name", "type", "min", "max", "allowed", "default", "unit", "description", "maxLength"] as const;
/** Other words for our keys, for the "did you mean" of a wrong one. */
const KEY_HINTS: Record<string, (typeof PARAMETER_KEYS)[number]> = {
  options: "allowed",
  choices: "allowed",
  enum: "allowed",
  minimum: "min",
  maximum: "max",
  defaultvalue: "default",
  desc: "description",
  units: "unit",
  maxlen: "maxLength",
  length: "maxLength",
  kind: "type",
  datatype: "type",
};

/** `values` is what many spreadsheets call `allowed`; it is read as such when `allowed` is absent. */
function withAllowed(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !("values" in input) || "allowed" in input) return input;
  const { values, ...rest } = input as Record<string, unknown>;
  return { ...rest, allowed: values };
}

function unknownKey(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  return Object.keys(input).find((key) => !(PARAMETER_KEYS as readonly string[]).includes(key));
}

function buildSchemas(t: AppTranslate) {
  const string = (field: string) => v.string(t("rule.text", { field }));
  const maxLength = (field: string, max: number) => v.maxLength<string, number, string>(max, t("rule.tooLong", { field, max }));
  const text = (field: string, max: number) => v.pipe(string(field), v.trim(), v.nonEmpty(t("rule.empty", { field })), maxLength(field, max));
  const optionalText = (field: string, max: number) => v.optional(v.pipe(string(field), v.trim(), maxLength(field, max)), "");

  const parameterBase = {
    name: v.pipe(string("name"), v.regex(PARAMETER_NAME, t("rule.paramName"))),
    description: optionalText("description", 1000),
  };
  const number = (field: string) => v.number(t("rule.number", { field }));
  const finite = (field: string) => v.pipe(number(field), v.finite(t("rule.finite", { field })));
  const integer = (field: string) => v.pipe(number(field), v.integer(t("rule.whole", { field })));

  const rangeParameter = (type: "int" | "float") => {
    const value = type === "int" ? integer : finite;
    return v.pipe(
      v.object({
        ...parameterBase,
        type: v.literal(type),
        min: value("min"),
        max: value("max"),
        default: value("default"),
        unit: v.optional(v.pipe(string("unit"), maxLength("unit", 20))),
      }),
      v.forward(
        v.check(
          (p) => p.min <= p.max,
          (issue) => t("rule.minAboveMax", { min: issue.input.min, max: issue.input.max }),
        ),
        ["max"],
      ),
      v.forward(
        v.check(
          (p) => p.default >= p.min && p.default <= p.max,
          (issue) => t("rule.defaultRange", { value: issue.input.default, min: issue.input.min, max: issue.input.max }),
        ),
        ["default"],
      ),
    );
  };

  const knownParameter = v.variant(
    "type",
    [
      v.object({ ...parameterBase, type: v.literal("bool"), default: v.boolean(t("rule.bool")) }),
      rangeParameter("int"),
      rangeParameter("float"),
      v.pipe(
        v.object({
          ...parameterBase,
          type: v.literal("enum"),
          allowed: v.pipe(v.array(string("allowed values")), v.minLength(1, t("rule.allowedEmpty"))),
          default: string("default"),
        }),
        v.forward(v.check((p) => new Set(p.allowed).size === p.allowed.length, t("rule.allowedTwice")), ["allowed"]),
        v.forward(
          v.check(
            (p) => p.allowed.includes(p.default),
            (issue) => t("rule.notAllowed", { value: issue.input.default }),
          ),
          ["default"],
        ),
      ),
      v.pipe(
        v.object({
          ...parameterBase,
          type: v.literal("string"),
          maxLength: v.pipe(integer("maxLength"), v.minValue(1, t("rule.maxLengthMin")), v.maxValue(10_000, t("rule.maxLengthMax"))),
          default: string("default"),
        }),
        v.forward(
          v.check(
            (p) => p.default.length <= p.maxLength,
            (issue) => t("rule.defaultTooLong", { max: issue.input.maxLength }),
          ),
          ["default"],
        ),
      ),
    ],
    t("rule.type"),
  );
  const parameterSchema = v.pipe(
    v.unknown(),
    v.transform(withAllowed),
    v.check(
      (input) => unknownKey(input) === undefined,
      (issue) => {
        const key = unknownKey(issue.input) ?? "";
        const hint = KEY_HINTS[key.toLowerCase().replace(/[^a-z]/g, "")];
        return hint ? t("rule.paramKeyHint", { key, hint }) : t("rule.paramKey", { key });
      },
    ),
    knownParameter,
  );

  const featureIds = (field: string) =>
    v.pipe(
      v.array(v.pipe(v.string(t("rule.ids", { field })), v.regex(FEATURE_ID, t("rule.badId", { field })))),
      v.check((ids) => new Set(ids).size === ids.length, t("rule.idTwice", { field })),
    );

  const featureSchema = v.pipe(
    v.object({
      id: v.pipe(string("id"), v.trim(), v.regex(FEATURE_ID, t("rule.id"))),
      name: text("name", 200),
      category: text("category", 100),
      release: text("release", 40),
      package: optionalText("package", 60),
      status: v.picklist(FEATURE_STATUSES, t("rule.status", { statuses: FEATURE_STATUSES.join(", ") })),
      description: optionalText("description", 4000),
      requires: v.optional(featureIds("requires"), []),
      conflicts: v.optional(featureIds("conflicts"), []),
      parameters: v.pipe(
        v.optional(v.array(parameterSchema, t("rule.parametersArray")), []),
        v.check((ps) => new Set(ps.map((p) => p.name)).size === ps.length, t("rule.paramTwice")),
      ),
    }),
    v.forward(
      v.check((f) => !f.requires.includes(f.id), t("rule.requiresSelf")),
      ["requires"],
    ),
    v.forward(
      v.check((f) => !f.conflicts.includes(f.id), t("rule.conflictsSelf")),
      ["conflicts"],
    ),
    v.forward(
      v.check(
        (f) => !f.requires.some((id) => f.conflicts.includes(id)),
        (issue) => t("rule.requiresAndConflicts", { id: issue.input.requires.find((id) => issue.input.conflicts.includes(id)) ?? "" }),
      ),
      ["conflicts"],
    ),
  );
  return { parameterSchema, featureSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
const byLocale = new Map<Locale, Schemas>();

/** The feature schema with its messages in `locale`. */
export function featureSchemaIn(locale: Locale): Schemas["featureSchema"] {
  let schemas = byLocale.get(locale);
  if (!schemas) {
    schemas = buildSchemas(appTranslator(locale));
    byLocale.set(locale, schemas);
  }
  return schemas.featureSchema;
}

export type Parameter = v.InferOutput<Schemas["parameterSchema"]>;
export type Feature = v.InferOutput<Schemas["featureSchema"]>;
export type ParameterValue = Feature["parameters"][number]["default"];
