// An XLSX is a zip from someone else's machine. Bombs (a part that unpacks to half a gigabyte, a
// part compressed far beyond any real workbook, a directory that lies about a part's size) are
// refused with a clear message before exceljs reads them, and the feature app's peak memory
// (VmHWM, the kernel's high-water mark of its resident memory) barely moves.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { runCli } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";
import { type RunningApp, startFeatureApp } from "./instance";
import { spacesDeflated, zipOf } from "./zip-bomb";

const peakRssBytes = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

describe.skipIf(process.platform !== "linux")("XLSX zip bombs", () => {
  using dir = tempDir("5gfm-bomb-");
  let app: RunningApp;

  beforeAll(async () => {
    const added = await runCli(["user", "add", "ana", "--role", "admin", "--ip", "127.0.0.5", "--data", dir.path]);
    if (added.code !== 0) throw new Error(added.stderr);
    // A 40 MB limit, as an administrator could set it.
    app = await startFeatureApp({ user: "ana", env: { FGM_DATA: dir.path, FGM_IMPORT_UNPACK_MAX_MB: "40" } });
  });
  afterAll(async () => {
    await app?.[Symbol.asyncDispose]();
  });

  async function importXlsx(bytes: Uint8Array<ArrayBuffer>) {
    const form = new FormData();
    form.append("file", new File([bytes], "bomb.xlsx"));
    const response = await fetch(`${app.url}/app/api/catalog/import`, { method: "POST", headers: app.auth, body: form });
    return { status: response.status, json: await response.json() };
  }

  test("each bomb is refused by name, nothing is written, and the app's peak memory grows by less than 64 MB", async () => {
    // Warm up the upload path, so the measurement sees the bombs and not the first request.
    const sheet = "xl/worksheets/sheet1.xml";
    const types = { name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>"), declared: 8, method: 0 as const };
    await importXlsx(zipOf([types]));
    const before = peakRssBytes(app.child.pid);

    const huge = spacesDeflated(2_000_000); // 516 MB of spaces in 3.3 MB
    const tooLarge = await importXlsx(zipOf([types, { name: sheet, data: huge.data, declared: huge.size }]));
    expect(tooLarge.status).toBe(422);
    expect(tooLarge.json.error).toBe("the workbook would unpack to 493 MB; at most 40 MB is accepted (the administrator's setting importUnpackMaxMb)");

    const dense = spacesDeflated(100_000); // 26 MB in 160 kB: within the limit, but 159:1
    const ratio = await importXlsx(zipOf([types, { name: sheet, data: dense.data, declared: dense.size }]));
    expect(ratio.status).toBe(422);
    expect(ratio.json.error).toBe(
      `part ${sheet} of the workbook is compressed 159:1, far more than a real workbook (at most 100:1); it is refused as a possible zip bomb`,
    );

    // The directory says 1 kB; the data would unpack to 516 MB. The count stops it at the first chunk.
    const lying = await importXlsx(zipOf([types, { name: sheet, data: huge.data, declared: 1000 }]));
    expect(lying.status).toBe(422);
    expect(lying.json.error).toBe(`part ${sheet} of the workbook unpacks to more than the workbook's own directory says; it is refused as a possible zip bomb`);

    const grown = peakRssBytes(app.child.pid) - before;
    console.log(`peak RSS growth over three bombs: ${(grown / 1024 / 1024).toFixed(1)} MB (the largest would unpack to ${(huge.size / 1024 / 1024).toFixed(0)} MB)`);
    expect(grown).toBeLessThan(64 * 1024 * 1024);

    const versions = await (await fetch(`${app.url}/app/api/catalog/versions`, { headers: app.auth })).json();
    expect(versions.items).toHaveLength(1);
  });

  test("the page says the same in the reader's language", async () => {
    const huge = spacesDeflated(2_000_000);
    const form = new FormData();
    form.append("file", new File([zipOf([{ name: "xl/worksheets/sheet1.xml", data: huge.data, declared: huge.size }])], "bomb.xlsx"));
    const response = await fetch(`${app.url}/app/import`, { method: "POST", headers: { ...app.auth, "accept-language": "ko" }, body: form });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("통합 문서의 압축을 풀면 493MB가 됩니다. 최대 40MB까지 받습니다");
  });
});
