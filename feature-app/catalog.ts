// The shape of a feature catalog, as one valibot schema: the embedded demo catalog is checked
// against it at start, and catalogs users import will be checked against the same rules.
import * as v from "valibot";

const parameterBase = { name: v.string(), description: v.string() };
const rangeParameter = (type: "int" | "float") =>
  v.object({ ...parameterBase, type: v.literal(type), min: v.number(), max: v.number(), default: v.number(), unit: v.optional(v.string()) });

const parameterSchema = v.variant("type", [
  v.object({ ...parameterBase, type: v.literal("bool"), default: v.boolean() }),
  rangeParameter("int"),
  rangeParameter("float"),
  v.object({ ...parameterBase, type: v.literal("enum"), allowed: v.array(v.string()), default: v.string() }),
  v.object({ ...parameterBase, type: v.literal("string"), maxLength: v.number(), default: v.string() }),
]);

const featureSchema = v.object({
  id: v.string(),
  name: v.string(),
  category: v.string(),
  release: v.string(),
  package: v.string(),
  status: v.picklist(["planned", "trial", "active", "deprecated"]),
  description: v.string(),
  requires: v.array(v.string()),
  conflicts: v.array(v.string()),
  parameters: v.array(parameterSchema),
});

export const catalogSchema = v.object({ name: v.string(), source: v.string(), features: v.array(featureSchema) });

export type Feature = v.InferOutput<typeof featureSchema>;
export type Catalog = v.InferOutput<typeof catalogSchema>;
