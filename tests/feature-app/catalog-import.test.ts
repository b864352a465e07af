// Catalog import and export through the real gateway and a real feature-app process: the three
// formats round-trip to the same catalog, a bad file is refused whole with every problem by row,
// and the page flow (upload, column mapping, preview, import with progress) works end to end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

/** A signed-in person at 127.0.0.1 (fetch's own source address), with the session cookie. */
async function signIn(url: string) {
  const first = await fetch(`${url}/`, { redirect: "manual" });
  const cookie = first.headers.getSetCookie().find((line) => line.startsWith("fgm_session="))?.split(";")[0];
  if (!cookie) throw new Error(`no session cookie: ${first.status}`);
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { redirect: "manual", ...init, headers: { cookie, origin: url, ...(init.headers as Record<string, string>) } });
  return { call, cookie };
}

function upload(name: string, content: string | Uint8Array<ArrayBuffer>, type = "application/octet-stream"): FormData {
  const form = new FormData();
  form.append("file", new File([content], name, { type }));
  return form;
}

interface Version {
  id: number;
  contentHash: string;
  featureCount: number;
  format: string;
}

describe("catalog import and export through the gateway", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  let call: Awaited<ReturnType<typeof signIn>>["call"];
  let cookie: string;
  const versions = async (): Promise<Version[]> => (await (await call("/app/api/catalog/versions")).json()).items;

  beforeAll(async () => {
    const added = await runCli(["user", "add", "alice", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    if (added.code !== 0) throw new Error(added.stderr);
    gateway = await startServe(dir.path);
    ({ call, cookie } = await signIn(gateway.url));
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("the demo catalog exported as CSV, XLSX and JSON re-imports as the same catalog, which adds no version", async () => {
    const [demo] = await versions();
    expect(demo).toMatchObject({ id: 1, format: "demo", featureCount: 88 });
    for (const format of ["csv", "xlsx", "json"]) {
      const exported = await call(`/app/api/catalog/export?format=${format}&version=1`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="catalog-v1.${format}"`);
      const bytes = new Uint8Array(await exported.arrayBuffer());
      // CSV starts with the UTF-8 byte-order mark, or Korean Excel reads it as CP949.
      if (format === "csv") expect([...bytes.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, "i".charCodeAt(0)]);
      const imported = await call("/app/api/catalog/import", { method: "POST", body: upload(`demo.${format}`, bytes) });
      const body = await imported.json();
      // The same content hash as the demo: nothing new, so the answer names the version it matches.
      expect(`${format} ${imported.status}`).toBe(`${format} 200`);
      expect(body).toMatchObject({ unchanged: true, version: { id: 1, featureCount: 88, contentHash: demo!.contentHash } });
    }
    expect((await versions()).length).toBe(1);
    // One changed feature is a new version again.
    const json = JSON.parse(new TextDecoder().decode(await (await call("/app/api/catalog/export?format=json&version=1")).arrayBuffer()));
    json.features[0].name = `${json.features[0].name} (renamed)`;
    const changed = await call("/app/api/catalog/import", { method: "POST", body: upload("renamed.json", new TextEncoder().encode(JSON.stringify(json))) });
    expect(changed.status).toBe(201);
    const compared = await (await call(`/app/api/catalog/compare?from=1&to=${(await changed.json()).version.id}`)).json();
    expect(compared).toMatchObject({ added: [], removed: [], unchanged: 87 });
    expect(compared.changed).toHaveLength(1);
  });

  test("a file with a cycle, an unknown reference, a duplicate id and an out-of-range default is refused whole, each by row", async () => {
    const before = await versions();
    const csv = [
      "id,name,category,release,status,requires,parameters",
      "X-1,One,Test,Rel-18,active,X-2,",
      "X-2,Two,Test,Rel-18,active,X-3,",
      "X-3,Three,Test,Rel-18,active,X-1,",
      "Y-1,Orphan,Test,Rel-18,active,NOPE-9,",
      "Y-1,Again,Test,Rel-18,active,,",
      `Z-1,Power,Test,Rel-18,active,,"[{""name"":""power"",""type"":""int"",""min"":0,""max"":46,""default"":99}]"`,
    ].join("\n");
    const response = await call("/app/api/catalog/import", { method: "POST", body: upload("bad.csv", csv, "text/csv") });
    expect(response.status).toBe(422);
    const { errors } = await response.json();
    expect(errors).toContainEqual({ row: 2, column: "requires", value: "X-2", reason: "dependency cycle: X-1 → X-2 → X-3 → X-1", feature: "X-1", kind: "dependency cycle" });
    expect(errors).toContainEqual({ row: 5, column: "requires", value: "NOPE-9", reason: "unknown feature NOPE-9", feature: "Y-1", kind: "unknown feature in requires or conflicts" });
    expect(errors).toContainEqual({ row: 6, column: "id", value: "Y-1", reason: "duplicate id Y-1 (also row 5)", feature: "Y-1", kind: "duplicate id" });
    expect(errors).toContainEqual({ row: 7, column: "parameters [0].default", value: "99", reason: "default 99 is out of range 0..46", feature: "Z-1", kind: "default 99 is out of range 0..46" });
    expect(errors.length).toBe(4);
    expect(await versions()).toEqual(before);
  });

  test("on a Korean page the report is in Korean; the API stays English", async () => {
    const csv = "id,name,category,release,status,requires\nK-1,One,Test,Rel-18,active,NOPE-9\nK-1,Two,Test,Rel-18,retired,\n";
    const uploaded = await call("/app/import", { method: "POST", body: upload("ko.csv", csv, "text/csv") });
    expect(uploaded.status).toBe(303);
    const page = await (await call(uploaded.headers.get("location") ?? "", { headers: { "accept-language": "ko-KR" } })).text();
    expect(page).toContain("문제 2개 — 아무것도 가져오지 않았습니다");
    expect(page).toContain("알 수 없는 기능 NOPE-9");
    expect(page).toContain("중복된 ID K-1 (2행에도 있음)");
    expect(page).not.toContain("unknown feature");
    const unreadable = await call("/app/import", { method: "POST", headers: { "accept-language": "ko-KR" }, body: upload("words.json", "not json") });
    expect(unreadable.status).toBe(422);
    expect(await unreadable.text()).toContain("words.json: 파일 이름은 .json이지만 JSON이 아닙니다");
  });

  test("files that cannot be read at all get one clear reason and change nothing", async () => {
    const before = await versions();
    const cases: [string, string | Uint8Array<ArrayBuffer>, number, string][] = [
      ["broken.xlsx", new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0]), 422, "not a readable XLSX workbook"],
      ["broken.json", '{"features": [', 422, "not valid JSON"],
      ["object.json", '{"items": []}', 422, 'an object with a "features" array'],
      ["latin1.csv", new Uint8Array([0x69, 0x64, 0x0a, 0xe9, 0xff]), 422, "not text in UTF-8, UTF-16 (with a BOM) or CP949/EUC-KR"],
      ["empty.csv", "", 400, "empty.csv: the file is empty"],
      ["words.json", "not json", 422, "named .json but does not hold JSON"],
      ["damaged.xlsx", "not a workbook", 422, "named .xlsx but is not an XLSX workbook"],
      ["header-only.csv", "id,name\n", 422, "no features"],
    ];
    for (const [name, content, status, reason] of cases) {
      const response = await call("/app/api/catalog/import", { method: "POST", body: upload(name, content) });
      const body = await response.json();
      expect(`${name} ${response.status} ${body.error}`).toContain(`${name} ${status} `);
      expect(body.error).toContain(reason);
    }
    const tooBig = await call("/app/api/catalog/import", { method: "POST", body: upload("big.csv", new Uint8Array(21 * 1024 * 1024)) });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error).toBe("the file is larger than 20 MB");
    expect(await versions()).toEqual(before);
  });

  test("through the API, columns are matched by name alone: a required one missing is reported as such", async () => {
    const response = await call("/app/api/catalog/import", { method: "POST", body: upload("nostatus.csv", "Feature ID,Title,Group,Release\nQ-1,Q,Test,Rel-18\n") });
    expect(response.status).toBe(422);
    expect((await response.json()).errors).toEqual([{ row: 1, column: "status", value: "", reason: "choose the column that holds status" }]);
  });

  test("pages: an XLSX with other column names is mapped, previewed and imported with progress over the WebSocket", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("My features");
    sheet.addRow(["Feature ID", "Title", "Group", "3GPP Release", "State", "Prerequisites", "Notes"]);
    sheet.addRow(["NEW-1", "Uplink boost", "Radio", "Rel-18", "Trial", "", "boosts uplink"]);
    sheet.addRow(["NEW-2", "Uplink boost+", "Radio", "Rel-18", "planned", "NEW-1", "needs NEW-1"]);
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);

    const uploaded = await call("/app/import", { method: "POST", body: upload("market.xlsx", bytes) });
    expect(uploaded.status).toBe(303);
    const draftPath = uploaded.headers.get("location") ?? "";
    expect(draftPath).toMatch(/^\/app\/import\/[\w-]+$/);

    const draftPage = await (await call(draftPath)).text();
    expect(draftPage).toContain("Import market.xlsx");
    expect(draftPage).toContain('<option value="Feature ID" selected="">Feature ID</option>');
    expect(draftPage).toContain('<option value="Prerequisites" selected="">Prerequisites</option>');
    expect(draftPage).toContain("Preview: the first 2 of 2 features");
    expect(draftPage).toContain("Uplink boost+");

    // "Notes" is no name we know: the person maps it to description; htmx swaps the check section.
    const mapping = new URLSearchParams({ id: "Feature ID", name: "Title", category: "Group", release: "3GPP Release", status: "State", requires: "Prerequisites", description: "Notes" });
    const remapped = await call(`${draftPath}/mapping`, { method: "POST", body: mapping, headers: { "hx-request": "true" } });
    expect(remapped.status).toBe(200);
    const section = await remapped.text();
    expect(section).toStartWith('<div id="draft-check">');
    expect(section).toContain("Import 2 features as the new current catalog version");
    // The two features replace the whole current catalog: the page says so, and the import needs the box.
    const current = (await versions())[0]!;
    expect(section).toContain(`The current catalog (version ${current.id}) has 88 features; this file has 2: 88 removed, 2 added, 0 changed.`);
    expect(section).toContain('id="impact-confirm"');

    const socket = new WebSocket(`${gateway.url.replace("http", "ws")}/app/ws`, { headers: { cookie, origin: gateway.url } } as unknown as string[]);
    const progress: { phase: string; done: number; total: number }[] = [];
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data));
      if (message.type === "progress" && message.task === "import") progress.push(message);
    });
    await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));

    const refused = await call(`${draftPath}/commit`, { method: "POST", headers: { "hx-request": "true" } });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("This version removes 88 features from the current catalog: tick the confirmation to go ahead anyway.");
    expect((await versions())[0]).toEqual(current);

    const committed = await call(`${draftPath}/commit`, { method: "POST", headers: { "hx-request": "true" }, body: new URLSearchParams({ confirm: "yes" }) });
    expect(committed.status).toBe(200);
    const done = await committed.text();
    const version = (await versions())[0]!;
    expect(done).toContain(`Imported as catalog version ${version.id} with 2 features.`);
    await Bun.sleep(200);
    socket.close();
    expect(progress).toContainEqual({ type: "progress", task: "import", phase: "write", done: 2, total: 2 } as never);

    const feature = await (await call("/app/api/features/NEW-2")).json();
    expect(feature.feature).toMatchObject({ name: "Uplink boost+", status: "planned", description: "needs NEW-1", requires: ["NEW-1"] });
    // The draft is gone once imported.
    expect((await call(draftPath)).status).toBe(404);
    // The comparison with the version before names what changed.
    const compare = await (await call(`/app/versions/compare?from=1&to=${version.id}`)).text();
    expect(compare).toContain("2 added, 88 removed, 0 changed, 0 unchanged.");
  });
});
