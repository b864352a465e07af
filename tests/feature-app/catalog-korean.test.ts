// Korean files as a Korean RAN team keeps them: a CSV saved by Korean Excel (CP949; the fixture was
// written by Python's cp949 codec and holds 똠, a syllable only CP949's extension has), UTF-16 with
// a BOM, an XLSX (written by exceljs) with Korean headers, vendor ids with spaces, Korean status
// words and `values` in parameter cells. Each imports without mapping anything by hand.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { api, getPage, postForm } from "./sets-client";

const CP949_CSV = join(import.meta.dir, "fixtures", "korean-cp949.csv");
const ID_RULE = "id must be letters, digits, single spaces, '.', '_' or '-' (at most 64, not starting or ending with a space)";
const KOREAN_HEADERS = ["기능 ID", "기능명", "분류", "릴리스", "패키지", "상태", "설명", "선행 기능", "충돌 기능", "파라미터"];

async function xlsx(rows: string[][]): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("기능 목록");
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

describe("Korean catalog files", () => {
  using dir = tempDir("5gfm-korean-");
  let app: RunningApp;
  const headers = (language: string) => ({ ...app.auth, "accept-language": language });

  async function upload(name: string, bytes: Uint8Array<ArrayBuffer>, language = "ko"): Promise<string> {
    const form = new FormData();
    form.append("file", new File([bytes], name));
    const response = await fetch(`${app.url}/app/import`, { method: "POST", headers: headers(language), body: form, redirect: "manual" });
    if (response.status !== 303) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
    return response.headers.get("location")!;
  }
  const page = async (path: string, language = "ko") => (await fetch(`${app.url}${path}`, { headers: headers(language) })).text();
  async function importApi(name: string, bytes: Uint8Array<ArrayBuffer>) {
    const form = new FormData();
    form.append("file", new File([bytes], name));
    const response = await fetch(`${app.url}/app/api/catalog/import?confirm=true`, { method: "POST", headers: app.auth, body: form });
    return { status: response.status, json: await response.json() };
  }

  beforeAll(async () => {
    const added = await runCli(["user", "add", "ana", "--role", "admin", "--ip", "127.0.0.5", "--data", dir.path]);
    if (added.code !== 0) throw new Error(added.stderr);
    app = await startFeatureApp({ user: "ana", env: { FGM_DATA: dir.path } });
  });
  afterAll(async () => {
    await app?.[Symbol.asyncDispose]();
  });

  test("a CP949 CSV from Korean Excel maps itself, says which encoding it was read in and which status words it read, and imports", async () => {
    const bytes = new Uint8Array(await Bun.file(CP949_CSV).arrayBuffer());
    const draft = await upload("기능목록.csv", bytes);
    const html = await page(draft);
    expect(html).toContain('<span id="file-encoding">CP949 텍스트로 읽었습니다.</span>');
    // Every field mapped from the Korean headers; the labels are in the reader's language.
    for (const [field, header] of [["id", "기능 ID"], ["name", "기능명"], ["release", "릴리즈"], ["requires", "선행 기능"], ["parameters", "파라미터"]]) {
      expect(html).toMatch(new RegExp(`<select id="map-${field}" name="${field}"[^>]*>.*?<option value="${header}" selected=""`, "s"));
    }
    expect(html).toContain('<label for="map-name">기능명 <span class="mono muted">name</span> *</label>');
    expect(html).toContain("상용 → active (1)");
    expect(html).toContain("지원 중단 → deprecated (1)");
    expect(html).toContain('id="import-button"');
    // It replaces the 88-feature demo catalog: the box must be ticked.
    expect(html).toContain("현재 카탈로그(버전 1)에는 기능이 88개, 이 파일에는 6개 있습니다: 삭제 88, 추가 6, 변경 0.");
    const committed = await postForm(app, `${draft}/commit`, { confirm: "yes" });
    expect(committed).toMatchObject({ status: 303, location: "/app/versions" });

    const feature = await api(app, "GET", `/app/api/features/${encodeURIComponent("FAJ 121 4627")}`);
    expect(feature.json.feature).toMatchObject({
      id: "FAJ 121 4627",
      status: "trial",
      requires: ["FAJ 121 4600", "FAJ 121 4603"],
      parameters: [{ name: "mode", type: "enum", allowed: ["fdd", "tdd"], default: "tdd" }],
    });
    expect((await api(app, "GET", `/app/api/features/${encodeURIComponent("FAJ 121 4600")}`)).json.feature.description).toBe("똠방각하 시험용 설명");
    const featurePage = await getPage(app, "/app/features/FAJ%20121%204603");
    expect(featurePage.status).toBe(200);
    expect(featurePage.body).toContain('href="/app/features/FAJ%20121%204600"');
    expect((await api(app, "GET", `/app/api/features/${encodeURIComponent("FAJ 121 4702")}`)).json.feature).toMatchObject({
      status: "deprecated",
      requires: ["FAJ 121 4600", "FAJ 121 4603"],
    });
  });

  test("the same catalog as UTF-16 with a BOM (Excel's \"Unicode text\") is read as such: nothing new", async () => {
    const text = new TextDecoder("euc-kr").decode(new Uint8Array(await Bun.file(CP949_CSV).arrayBuffer()));
    const utf16 = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const draft = await upload("unicode.csv", utf16, "en");
    expect(await page(draft, "en")).toContain("Read as UTF-16LE text.");
    const imported = await importApi("unicode.csv", utf16);
    expect(imported).toMatchObject({ status: 200, json: { unchanged: true, encoding: "UTF-16LE" } });
  });

  test("an XLSX with Korean headers and status words, vendor ids and `values` imports after mapping nothing by hand; a wrong key is named", async () => {
    const rows = [
      KOREAN_HEADERS,
      ["FAJ 121 4600", "기본", "캐리어 집성", "Rel-15", "", "사용 중", "", "", "", '[{"name":"enabled","type":"bool","default":true}]'],
      ["FAJ 121 4603", "확장", "캐리어 집성", "Rel-16", "", "계획됨", "", "FAJ 121 4600", "", '[{"name":"mode","type":"enum","values":["a","b"],"default":"a"}]'],
    ];
    const imported = await importApi("팀 카탈로그.xlsx", await xlsx(rows));
    expect(imported.status).toBe(201);
    expect(imported.json.version).toMatchObject({ featureCount: 2, format: "xlsx" });

    const wrongKey = [
      KOREAN_HEADERS,
      ["X 1", "하나", "분류", "Rel-15", "", "상용", "", "", "", '[{"name":"mode","type":"enum","options":["a"],"default":"a"}]'],
      ["X  2", "둘", "분류", "Rel-15", "", "상용", "", "", "", ""],
    ];
    const refused = await importApi("wrong-key.xlsx", await xlsx(wrongKey));
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      { row: 2, column: "파라미터 [0]", value: '{"name":"mode","type":"enum","options":["a"],"default":"a"}', reason: 'unknown key "options"; did you mean "allowed"?', feature: "X 1", kind: 'unknown key "options"; did you mean "allowed"?' },
      { row: 3, column: "기능 ID", value: "X  2", reason: ID_RULE, feature: "X  2", kind: ID_RULE },
    ]);
  });

  test("the planted faults in a Korean XLSX are each named, by row and by the file's own column names", async () => {
    const rows = [
      KOREAN_HEADERS,
      ["K-1", "하나", "분류", "Rel-18", "", "상용", "", "K-2", "", ""],
      ["K-2", "둘", "분류", "Rel-18", "", "상용", "", "K-1", "", ""],
      ["K-3", "셋", "분류", "Rel-18", "", "상용", "", "K-9", "", ""],
      ["K-3", "셋 again", "분류", "Rel-18", "", "상용", "", "", "", ""],
      ["K-4", "넷", "분류", "Rel-18", "", "상용", "", "", "", "[{broken"],
    ];
    const draft = await upload("faults.xlsx", await xlsx(rows), "en");
    const html = await page(draft, "en");
    expect(html).toContain("dependency cycle: K-1 → K-2 → K-1");
    expect(html).toContain("unknown feature K-9");
    expect(html).toContain("duplicate id K-3 (also row 4)");
    expect(html).toContain("is not a JSON array");
    expect(html).toContain("<td class=\"mono\">선행 기능</td>");
    expect(html).not.toContain('id="import-button"');
  });

  test("the templates (Korean headers and status words, one row per parameter type) round-trip; a file with the last import's headers maps itself", async () => {
    for (const [language, format] of [["ko", "xlsx"], ["ko", "csv"], ["en", "csv"]] as const) {
      const template = await fetch(`${app.url}/app/import/template.${format}`, { headers: headers(language) });
      expect(template.status).toBe(200);
      const bytes = new Uint8Array(await template.arrayBuffer());
      if (format === "csv") expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).split("\r\n")[0]).toBe(language === "ko" ? `\uFEFF${KOREAN_HEADERS.join(",")}` : "\uFEFFFeature ID,Name,Category,Release,Package,Status,Description,Requires,Conflicts,Parameters");
      const imported = await importApi(`template.${format}`, bytes);
      expect(`${language} ${format} ${imported.status}`).toMatch(new RegExp(`^${language} ${format} (201|200)$`));
      expect(imported.json.version.featureCount).toBe(5);
    }
    const types = (await api(app, "GET", "/app/api/features?category=Example")).json.items.flatMap((f: { parameters: { type: string }[] }) => f.parameters.map((p) => p.type));
    expect(types.sort()).toEqual(["bool", "enum", "float", "int", "string"]);

    // Odd headers and the team's own status word mapped by hand once; the next file with the same header row needs nothing.
    const odd = (name: string) => new TextEncoder().encode(`코드,제목,묶음,판,단계\nZ-1,${name},묶음,Rel-18,운영\n`);
    const first = await upload("odd.csv", odd("하나"));
    const columns = { id: "코드", name: "제목", category: "묶음", release: "판", status: "단계" };
    const bad = await postForm(app, `${first}/mapping`, { ...columns, statusWords: "운영 = live" }, { "hx-request": "true", "accept-language": "en" });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain("Own status words, line 1: write a word");
    const mapped = await postForm(app, `${first}/mapping`, { ...columns, statusWords: "\n운영 = active\n" }, { "hx-request": "true", "accept-language": "en" });
    expect(mapped.body).toContain("운영 → active (1)");
    expect((await postForm(app, `${first}/commit`, { confirm: "yes" })).status).toBe(303);
    const second = await upload("odd-again.csv", odd("둘"));
    const again = await page(second);
    expect(again).toContain('id="import-button"');
    expect(again).toContain(">운영 = active</textarea>");
  });

  test("a mapping change validates a sample for the preview; the whole file is checked once, on \"check\"", async () => {
    const lines = ["기능 ID,기능명,분류,출시,상태,선행 기능"];
    for (let i = 1; i <= 300; i++) lines.push(`S-${i},기능 ${i},분류,Rel-18,${i === 250 ? "없는 상태" : "상용"},${i === 10 ? "S-260" : ""}`);
    const draft = await upload("large.csv", new TextEncoder().encode(`${lines.join("\n")}\n`), "en");
    // "출시" is not a known header: the release is mapped by hand, which checks a sample only.
    const mapped = await postForm(app, `${draft}/mapping`, { id: "기능 ID", name: "기능명", category: "분류", release: "출시", status: "상태", requires: "선행 기능" }, { "hx-request": "true" });
    expect(mapped.body).toContain("The preview checked the first 200 of 300 features.");
    // S-260 is defined beyond the sample: not reported as unknown; row 251's bad status is not seen yet.
    expect(mapped.body).not.toContain("unknown feature");
    expect(mapped.body).not.toContain("id=\"validation-report\"");
    expect(mapped.body).not.toContain('id="import-button"');
    const checked = await postForm(app, `${draft}/check`, {}, { "hx-request": "true" });
    expect(checked.body).toContain('id="validation-report"');
    expect(checked.body).toContain("<td>251</td>");
    expect(checked.body).not.toContain('id="sampled"');
  });

  test("a report of hundreds of problems is grouped by kind with counts, each group folded and capped; the CSV download has every row", async () => {
    const lines = ["기능 ID,기능명,분류,릴리스,상태,선행 기능"];
    for (let i = 1; i <= 300; i++) lines.push(`R-${i},기능,분류,Rel-18,${i <= 150 ? "보류" : "상용"},${i > 180 ? "NOPE-1" : ""}`);
    lines.push("R-1,again,분류,Rel-18,상용,");
    const draft = await upload("report.csv", new TextEncoder().encode(`${lines.join("\n")}\n`), "en");
    const checked = await postForm(app, `${draft}/check`, {}, { "hx-request": "true" });
    expect(checked.body).toContain(
      "By kind: 150 × status must be one of planned, trial, active, deprecated, 120 × unknown feature in requires or conflicts, 1 × duplicate id.",
    );
    expect(checked.body.match(/<details class="report-group">/g)).toHaveLength(3);
    // 100 rows per group at most: 100 + 100 + 1 rows, plus a header row per group.
    expect(checked.body.match(/<tr>/g)!.length).toBeLessThanOrEqual(100 + 100 + 1 + 3 + 11);
    expect(checked.body).toContain("The first 100 of these 150 are listed; the download has them all.");
    const csv = await fetch(`${app.url}${draft}/report.csv`, { headers: headers("en") });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = await csv.text();
    const rows = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(rows[0]).toBe("Row,Column,Value,Reason,Kind");
    expect(rows).toHaveLength(1 + 271);
    expect(rows).toContain("302,기능 ID,R-1,duplicate id R-1 (also row 2),duplicate id");
  });

  test("a file in no supported encoding is refused and says which encodings are read", async () => {
    const refused = await importApi("latin1.csv", new Uint8Array([0x69, 0x64, 0x0a, 0xe9, 0xff]));
    expect(refused.status).toBe(422);
    expect(refused.json.error).toContain("UTF-8, UTF-16 (with a BOM) or CP949/EUC-KR");
    expect((await getPage(app, "/app/import")).body).toContain('id="import-columns"');
  });
});
