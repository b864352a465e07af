// The import steps a person goes through with a 5,000-row XLSX, timed with Korean headers (one of
// them not recognised, so one mapping change by hand) against the same rows with English headers
// (also one unrecognised) in the same run: upload, open the draft, change the mapping, check the
// whole file, import. Target: under a second per step; the ratio shows Korean costs no more.
import { FIELDS, featureToRow } from "../../../feature-app/catalog/tabular";
import { tableToXlsx } from "../../../feature-app/catalog/catalog-file";
import { tempDir } from "../../helpers/temp-dir";
import type { BenchOptions, Cell, Section } from "../lib/section";
import { generatedCatalog, startInstance } from "./feature-app";

const RUNS = 3;
const HEADERS = {
  english: { headers: ["id", "name", "category", "Release train", "package", "status", "description", "requires", "conflicts", "parameters"], release: "Release train" },
  korean: { headers: ["기능 ID", "기능명", "분류", "출시 버전", "패키지", "상태", "설명", "선행 기능", "충돌 기능", "파라미터"], release: "출시 버전" },
} as const;
type Language = keyof typeof HEADERS;
const STEPS = ["upload", "open the draft", "change the mapping", "check the whole file", "import"] as const;

export const importMappingSection: Section = {
  name: "import-mapping",
  async run(options: BenchOptions) {
    const count = options.quick ? 1_000 : 5_000;
    using dir = tempDir("5gfm-bench-mapping-");
    const app = await startInstance(options.command, dir.path);
    const times: Record<Language, Record<(typeof STEPS)[number], number[]>> = {
      english: Object.fromEntries(STEPS.map((s) => [s, []])) as never,
      korean: Object.fromEntries(STEPS.map((s) => [s, []])) as never,
    };
    const timed = async <T>(language: Language, step: (typeof STEPS)[number], run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      times[language][step].push(performance.now() - started);
      return result;
    };
    const request = async (path: string, init: RequestInit, expected: number) => {
      const response = await fetch(`${app.url}${path}`, { redirect: "manual", ...init, headers: { ...app.headers, ...(init.headers as Record<string, string>) } });
      const body = await response.text();
      if (response.status !== expected) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${body.slice(0, 300)}`);
      return { response, body };
    };
    try {
      const features = generatedCatalog(count);
      for (let run = 0; run < RUNS; run++) {
        // English and Korean alternate, so load on the machine falls on both alike.
        for (const language of ["english", "korean"] as const) {
          const { headers, release } = HEADERS[language];
          // Each file differs in one name: an import identical to the current version writes nothing.
          const rows = features.map((f, i) => {
            const row = featureToRow(i === 0 ? { ...f, name: `${f.name} (${language} ${run})` } : f);
            return FIELDS.map((field) => (field === "status" && language === "korean" ? "사용 중" : row[field]));
          });
          const xlsx = await tableToXlsx([...headers], rows);
          const form = new FormData();
          form.append("file", new File([xlsx], `${language}.xlsx`));
          const uploaded = await timed(language, "upload", () => request("/app/import", { method: "POST", body: form }, 303));
          const draft = uploaded.response.headers.get("location")!;
          await timed(language, "open the draft", () => request(draft, {}, 200));
          const mapping = Object.fromEntries(FIELDS.map((field, i) => [field, field === "release" ? release : headers[i]!]));
          const htmx = { "hx-request": "true", "content-type": "application/x-www-form-urlencoded" };
          await timed(language, "change the mapping", () => request(`${draft}/mapping`, { method: "POST", headers: htmx, body: new URLSearchParams(mapping).toString() }, 200));
          const checked = await timed(language, "check the whole file", () => request(`${draft}/check`, { method: "POST", headers: htmx }, 200));
          if (!checked.body.includes('id="import-button"')) throw new Error(`${language}: the checked file cannot be imported:\n${checked.body.slice(0, 2000)}`);
          await timed(language, "import", () => request(`${draft}/commit`, { method: "POST", headers: htmx, body: "confirm=yes" }, 200));
        }
      }
    } finally {
      await app.stop();
    }
    const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const rows: Cell[][] = STEPS.map((step) => {
      const korean = median(times.korean[step]);
      const english = median(times.english[step]);
      return [step, Math.round(korean), Math.round(english), `${(korean / english).toFixed(2)}×`, "< 1,000 ms"];
    });
    return {
      title: `Importing a ${count.toLocaleString("en")}-row XLSX: Korean headers against English ones`,
      notes: [
        `Median of ${RUNS} runs each, through a real feature-app process's pages (the built executable unless --source), Korean and English runs alternating.`,
        "Both files have one header the import does not recognise (출시 버전 / Release train), so each run includes one mapping change by hand; the Korean file also has Korean status words (사용 중).",
        "A mapping change validates a 200-row sample; \"check\" validates the whole file; import checks again and writes the version.",
      ],
      columns: ["step", "Korean ms", "English ms (baseline)", "Korean ÷ English", "target"],
      rows,
    };
  },
};
