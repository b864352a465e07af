// The set page's form, both ways: stored content as the texts the inputs show, and posted texts
// back to content, with an error per field. Field names: "name", "value:<feature>:<parameter>"
// for set-wide values, "site-name-<i>" and "site-overrides-<i>" for the sites, where overrides
// are lines of "<feature>.<parameter> = <value>".
import * as v from "valibot";
import type { LoadedCatalog } from "../catalog/catalog-store";
import type { ParameterValue } from "../catalog/feature-schema";
import type { AppTranslate } from "../messages";
import type { Resolution } from "./resolve";
import { NUMBER_TEXT, type SetContent, type Site, type Values, checkValue, siteKey, siteNameSchema, valueFromText } from "./set-content";

export interface SetForm {
  name: string;
  /** Field name → text, for every parameter of every feature in the set. */
  values: Record<string, string>;
  sites: { name: string; overrides: string }[];
}

export const valueField = (featureId: string, parameter: string) => `value:${featureId}:${parameter}`;
const asText = (value: ParameterValue) => String(value);

export function overridesText(overrides: Values): string {
  return Object.keys(overrides)
    .sort()
    .flatMap((featureId) =>
      Object.keys(overrides[featureId]!)
        .sort()
        .map((name) => `${featureId}.${name} = ${asText(overrides[featureId]![name]!)}`),
    )
    .join("\n");
}

export function formFromContent(name: string, content: SetContent, resolution: Resolution): SetForm {
  const values: Record<string, string> = {};
  for (const { id, feature } of resolution.features) {
    for (const parameter of feature?.parameters ?? []) values[valueField(id, parameter.name)] = asText(content.values[id]?.[parameter.name] ?? parameter.default);
  }
  return { name, values, sites: content.sites.map((site) => ({ name: site.name, overrides: overridesText(site.overrides) })) };
}

/**
 * The posted form. A site comes as its name and either its override lines (the text view) or one
 * cell per column of the grid (`site-cell-<i>-<feature>.<parameter>`, empty = inherited); a ticked
 * `site-remove-<i>` leaves it out.
 */
export function formFromBody(body: Record<string, unknown>): SetForm {
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
  const values: Record<string, string> = {};
  for (const key of Object.keys(body)) if (key.startsWith("value:")) values[key] = text(key);
  const sites: SetForm["sites"] = [];
  for (let i = 0; `site-name-${i}` in body; i++) {
    if (text(`site-remove-${i}`) === "yes") continue;
    const prefix = `site-cell-${i}-`;
    const cells = Object.keys(body).filter((key) => key.startsWith(prefix) && text(key).trim() !== "");
    const overrides = `site-overrides-${i}` in body ? text(`site-overrides-${i}`) : cells.map((key) => `${key.slice(prefix.length)} = ${text(key).trim()}`).join("\n");
    sites.push({ name: text(`site-name-${i}`), overrides });
  }
  return { name: text("name"), values, sites };
}

/** A site's override lines as grid cells ("<feature>.<parameter>" → text); undefined when a line is not one. */
export function overrideCells(text: string): Record<string, string> | undefined {
  const cells: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const match = OVERRIDE_LINE.exec(line);
    if (!match) return undefined;
    cells[`${match[1]}.${match[2]}`] = match[3] ?? "";
  }
  return cells;
}

/** One set-wide value field's error, or undefined. Unknown fields are an error too. */
export function valueFieldError(field: string, text: string, catalog: LoadedCatalog, t: AppTranslate): { value: ParameterValue } | { error: string } {
  const [, featureId = "", name = ""] = field.split(":");
  const parameter = catalog.byId.get(featureId)?.parameters.find((p) => p.name === name);
  if (!parameter) return { error: t("sets.error.noParameter", { id: featureId, name }) };
  return checkValue(parameter, valueFromText(parameter, text), t);
}

const OVERRIDE_LINE = /^\s*(\S+)\.([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** A site's override lines as values, or every bad line's problem, each named by its number. */
export function parseOverrides(text: string, resolution: Resolution, t: AppTranslate): { overrides: Values } | { error: string } {
  const overrides: Values = {};
  const problems: string[] = [];
  const byId = new Map(resolution.features.map((f) => [f.id, f]));
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const problem = (reason: string) => problems.push(t("sets.error.line", { line: index + 1, reason }));
    const match = OVERRIDE_LINE.exec(line);
    if (!match) {
      problem(t("sets.error.overrideFormat"));
      continue;
    }
    const [, featureId = "", name = "", value = ""] = match;
    const resolved = byId.get(featureId);
    if (!resolved) {
      problem(t("sets.error.notInSet", { id: featureId }));
      continue;
    }
    if (!resolved.feature) {
      // The catalog dropped this feature: its lines are kept as they were, to lose nothing.
      overrides[featureId] = { ...overrides[featureId], [name]: untypedValue(value) };
      continue;
    }
    const parameter = resolved.feature.parameters.find((p) => p.name === name);
    if (!parameter) {
      problem(t("sets.error.noParameter", { id: featureId, name }));
      continue;
    }
    const checked = checkValue(parameter, valueFromText(parameter, value), t);
    if ("error" in checked) problem(`${featureId}.${name}: ${checked.error}`);
    else overrides[featureId] = { ...overrides[featureId], [name]: checked.value };
  }
  return problems.length > 0 ? { error: problems.join(" ") } : { overrides };
}

/** A value whose parameter the catalog no longer defines: true/false and numbers as such, else text. */
function untypedValue(text: string): ParameterValue {
  if (text === "true" || text === "false") return text === "true";
  return NUMBER_TEXT.test(text) ? Number(text) : text;
}

export function siteNameError(text: string, t: AppTranslate): string | undefined {
  const parsed = v.safeParse(siteNameSchema(t), text);
  return parsed.success ? undefined : parsed.issues[0].message;
}

/** The posted form as content (the chosen features stay as stored), or the errors by field. */
export function contentFromForm(
  form: SetForm,
  stored: SetContent,
  resolution: Resolution,
  catalog: LoadedCatalog,
  t: AppTranslate,
): { ok: true; content: SetContent } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  // The form has no inputs for features the catalog dropped; their stored values stay.
  const values: Values = Object.fromEntries(Object.entries(stored.values).filter(([id]) => !catalog.byId.has(id)));
  for (const [field, text] of Object.entries(form.values)) {
    const checked = valueFieldError(field, text, catalog, t);
    if ("error" in checked) errors[field] = checked.error;
    else {
      const [, featureId = "", name = ""] = field.split(":");
      values[featureId] = { ...values[featureId], [name]: checked.value };
    }
  }
  const sites: Site[] = [];
  const seen = new Set<string>();
  form.sites.forEach((site, i) => {
    if (site.name.trim() === "" && site.overrides.trim() === "") return;
    const nameError = siteNameError(site.name, t) ?? (seen.has(siteKey(site.name)) ? t("sets.error.siteTwice") : undefined);
    seen.add(siteKey(site.name));
    if (nameError) errors[`site-name-${i}`] = nameError;
    const parsed = parseOverrides(site.overrides, resolution, t);
    if ("error" in parsed) errors[`site-overrides-${i}`] = parsed.error;
    else sites.push({ name: site.name.trim(), overrides: parsed.overrides });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, content: { features: stored.features, values, sites } };
}
