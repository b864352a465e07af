// The import template: our columns with headers in the reader's language and one example row per
// parameter type, so a team can start from a file that imports as it is (the headers and the
// Korean status words are exactly what the import recognises).
import type { Locale } from "../../src/i18n/messages";
import { appTranslator } from "../messages";
import type { Parameter } from "./feature-schema";
import { FIELDS } from "./tabular";

const EXAMPLES: { id: string; status: "active" | "trial" | "planned"; requires: string; conflicts: string; parameter: Parameter }[] = [
  { id: "EX-0001", status: "active", requires: "", conflicts: "", parameter: { name: "enabled", type: "bool", default: true, description: "" } },
  { id: "EX-0002", status: "active", requires: "EX-0001", conflicts: "", parameter: { name: "maxCarriers", type: "int", min: 2, max: 5, default: 2, unit: "CC", description: "" } },
  { id: "EX-0003", status: "trial", requires: "", conflicts: "", parameter: { name: "powerOffset", type: "float", min: -10, max: 10, default: 0, unit: "dB", description: "" } },
  { id: "EX 0004", status: "planned", requires: "EX-0001; EX-0002", conflicts: "EX-0005", parameter: { name: "mode", type: "enum", allowed: ["sa", "nsa"], default: "sa", description: "" } },
  { id: "EX-0005", status: "active", requires: "", conflicts: "", parameter: { name: "label", type: "string", maxLength: 32, default: "cell", description: "" } },
];

/** The product's own Korean words for the statuses, which the import maps back. */
const KOREAN_STATUS = { active: "사용 중", trial: "시험 중", planned: "계획됨" } as const;

export function templateTable(locale: Locale): { headers: string[]; rows: string[][] } {
  const t = appTranslator(locale);
  const headers = FIELDS.map((field) => t(`importField.${field}`));
  const rows = EXAMPLES.map((example, index) => {
    const values: Record<(typeof FIELDS)[number], string> = {
      id: example.id,
      name: t(`template.name${index + 1}` as "template.name1"),
      category: t("template.category"),
      release: "Rel-17",
      package: "",
      status: locale === "ko" ? KOREAN_STATUS[example.status] : example.status,
      description: t("template.description"),
      requires: example.requires,
      conflicts: example.conflicts,
      parameters: JSON.stringify([example.parameter]),
    };
    return FIELDS.map((field) => values[field]);
  });
  return { headers, rows };
}
