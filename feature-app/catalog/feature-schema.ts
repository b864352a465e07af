// The shape of a feature catalog, as one valibot schema: the embedded demo catalog, every
// import (CSV, XLSX or JSON) and the API are checked against the same rules. Rules that need
// the whole catalog (duplicate ids, unknown references, cycles) are in catalog-rules.ts.
import * as v from "valibot";

export const FEATURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const FEATURE_STATUSES = ["planned", "trial", "active", "deprecated"] as const;

const text = (field: string, max: number) =>
  v.pipe(v.string(`${field} must be text`), v.trim(), v.nonEmpty(`${field} is empty`), v.maxLength(max, `${field} may have at most ${max} characters`));

const parameterBase = {
  name: v.pipe(v.string("name must be text"), v.regex(PARAMETER_NAME, "name must start with a letter and hold only letters, digits and _")),
  description: v.optional(v.pipe(v.string("description must be text"), v.maxLength(1000, "description may have at most 1000 characters")), ""),
};

const finite = (field: string) => v.pipe(v.number(`${field} must be a number`), v.finite(`${field} must be a finite number`));
const integer = (field: string) => v.pipe(v.number(`${field} must be a number`), v.integer(`${field} must be a whole number`));

const rangeParameter = (type: "int" | "float") => {
  const number = type === "int" ? integer : finite;
  return v.pipe(
    v.object({
      ...parameterBase,
      type: v.literal(type),
      min: number("min"),
      max: number("max"),
      default: number("default"),
      unit: v.optional(v.pipe(v.string("unit must be text"), v.maxLength(20, "unit may have at most 20 characters"))),
    }),
    v.forward(
      v.check((p) => p.min <= p.max, (issue) => `min ${issue.input.min} is above max ${issue.input.max}`),
      ["max"],
    ),
    v.forward(
      v.check(
        (p) => p.default >= p.min && p.default <= p.max,
        (issue) => `default ${issue.input.default} is out of range ${issue.input.min}..${issue.input.max}`,
      ),
      ["default"],
    ),
  );
};

export const parameterSchema = v.variant(
  "type",
  [
    v.object({ ...parameterBase, type: v.literal("bool"), default: v.boolean("default must be true or false") }),
    rangeParameter("int"),
    rangeParameter("float"),
    v.pipe(
      v.object({
        ...parameterBase,
        type: v.literal("enum"),
        allowed: v.pipe(v.array(v.string("allowed values must be text")), v.minLength(1, "allowed needs at least one value")),
        default: v.string("default must be text"),
      }),
      v.forward(v.check((p) => new Set(p.allowed).size === p.allowed.length, "allowed lists a value twice"), ["allowed"]),
      v.forward(
        v.check((p) => p.allowed.includes(p.default), (issue) => `default "${issue.input.default}" is not one of the allowed values`),
        ["default"],
      ),
    ),
    v.pipe(
      v.object({
        ...parameterBase,
        type: v.literal("string"),
        maxLength: v.pipe(integer("maxLength"), v.minValue(1, "maxLength must be at least 1"), v.maxValue(10_000, "maxLength may be at most 10000")),
        default: v.string("default must be text"),
      }),
      v.forward(
        v.check((p) => p.default.length <= p.maxLength, (issue) => `default is longer than maxLength ${issue.input.maxLength}`),
        ["default"],
      ),
    ),
  ],
  'type must be one of "bool", "int", "float", "enum", "string"',
);

const featureIds = (field: string) =>
  v.pipe(
    v.array(v.pipe(v.string(`${field} must list feature ids`), v.regex(FEATURE_ID, `${field} holds an invalid feature id`))),
    v.check((ids) => new Set(ids).size === ids.length, `${field} lists a feature twice`),
  );

export const featureSchema = v.pipe(
  v.object({
    id: v.pipe(v.string("id must be text"), v.trim(), v.regex(FEATURE_ID, "id must be letters, digits, '.', '_' or '-' (at most 64)")),
    name: text("name", 200),
    category: text("category", 100),
    release: text("release", 40),
    package: v.optional(v.pipe(v.string("package must be text"), v.trim(), v.maxLength(60, "package may have at most 60 characters")), ""),
    status: v.picklist(FEATURE_STATUSES, `status must be one of ${FEATURE_STATUSES.join(", ")}`),
    description: v.optional(v.pipe(v.string("description must be text"), v.maxLength(4000, "description may have at most 4000 characters")), ""),
    requires: v.optional(featureIds("requires"), []),
    conflicts: v.optional(featureIds("conflicts"), []),
    parameters: v.pipe(
      v.optional(v.array(parameterSchema, "parameters must be a JSON array"), []),
      v.check((ps) => new Set(ps.map((p) => p.name)).size === ps.length, "two parameters have the same name"),
    ),
  }),
  v.forward(
    v.check((f) => !f.requires.includes(f.id), "a feature cannot require itself"),
    ["requires"],
  ),
  v.forward(
    v.check((f) => !f.conflicts.includes(f.id), "a feature cannot conflict with itself"),
    ["conflicts"],
  ),
  v.forward(
    v.check(
      (f) => !f.requires.some((id) => f.conflicts.includes(id)),
      (issue) => `requires and conflicts both list ${issue.input.requires.find((id) => issue.input.conflicts.includes(id))}`,
    ),
    ["conflicts"],
  ),
);

export const catalogSchema = v.object({
  name: text("name", 200),
  source: v.optional(v.string(), ""),
  features: v.array(v.unknown()),
});

export type Parameter = v.InferOutput<typeof parameterSchema>;
export type Feature = v.InferOutput<typeof featureSchema>;
export type ParameterValue = Feature["parameters"][number]["default"];
