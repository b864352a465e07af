// The feature set page in a real browser through the real gateway, under its CSP: create a set,
// find a feature with the search box and add it (its prerequisites come along), see a bad value
// refused as it is typed and the error go away when corrected, save a site, and see the charts.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser, consoleProblems, createSetFromPage, editSetValueAndSite } from "../helpers/browser";
import { query } from "../helpers/database";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("the feature set page works in a browser", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;

  await page.goto(`${session.url}/app/sets`);
  await page.fill("#field-name", "Browser set");
  await page.click("#create-set button");
  await page.waitForURL(/\/app\/sets\/\d+$/);

  // Several at once, without a reload: the page keeps its search, its scroll and the focus.
  // A box ticked in one search stays ticked through the next.
  await page.fill("#set-search-q", "FGR-VO0001");
  await page.locator('input[aria-label="Add FGR-VO0001"]').check();
  await page.fill("#set-search-q", "3CC");
  await page.locator('input[aria-label="Add FGR-CA0002"]').check();
  expect(await page.locator('input[aria-label="Add FGR-VO0001"]').isChecked()).toBe(true);
  await page.fill("#set-add-ids", "FGR-MO0001");
  await page.locator("#set-add-button").focus();
  // Where the reader is: how far down the page, and whether the button is on screen.
  const place = () =>
    page.evaluate(() => {
      const box = document.getElementById("set-add-button")!.getBoundingClientRect();
      return { scrolled: window.scrollY > 0, buttonVisible: box.top >= 0 && box.bottom <= window.innerHeight };
    });
  await page.evaluate(() => {
    (window as unknown as { marker: boolean }).marker = true;
  });
  expect(await place()).toEqual({ scrolled: true, buttonVisible: true });
  await page.keyboard.press("Enter");
  await page.waitForSelector("#set-feature-FGR-CA0001");
  expect(await page.locator("#set-feature-FGR-CA0001").textContent()).toContain("required by FGR-CA0002");
  expect(await page.locator("#set-feature-FGR-MO0001").count()).toBe(1);
  expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
  expect(await page.evaluate(() => [document.activeElement?.id, (document.getElementById("set-search-q") as HTMLInputElement).value])).toEqual(["set-add-button", "3CC"]);
  // No reload: the page did not jump back to the top, and the button is still in view.
  expect(await place()).toEqual({ scrolled: true, buttonVisible: true });
  expect(await page.inputValue("#set-add-ids")).toBe("");
  expect(await page.locator("#set-draft").textContent()).toContain("Unsaved draft");
  expect(await page.locator("#set-add-messages").textContent()).toContain("Added to the draft: FGR-VO0001, FGR-CA0002, FGR-MO0001.");

  // Closing the tab loses nothing: the draft is the database's.
  await page.reload();
  expect(await page.locator("#set-feature-FGR-VO0001").count()).toBe(1);
  // Removing by keyboard: the row goes, the focus moves to the next Remove button.
  await page.locator("#remove-FGR-MO0001").focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#set-feature-FGR-MO0001", { state: "detached" });
  await page.waitForFunction(() => document.activeElement?.id === "remove-FGR-VO0001");
  // "+ site" draws a row in place, the focus staying on the button for the next one.
  await page.locator("#sites-add-row").focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#field-site-name-1");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("sites-add-row");
  await page.fill("#field-note", "CA and VoNR for Gangnam");
  const input = await editSetValueAndSite(page, 5000);
  await page.waitForSelector("text=Saved as revision 2.");
  expect(await page.locator("#revisions").textContent()).toContain("CA and VoNR for Gangnam");
  expect(await input.inputValue()).toBe("-100");

  // The revision page's JSON is readable: at least WCAG AA contrast between text and its background.
  await page.goto(`${page.url().replace(/\?.*$/, "")}/revisions/1`);
  const contrast = await page.evaluate(() => {
    const pre = getComputedStyle(document.getElementById("revision-content")!);
    const luminance = (color: string) => {
      const [r, g, b] = color.match(/\d+/g)!.slice(0, 3).map((c) => {
        const v = Number(c) / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [luminance(pre.color), luminance(pre.backgroundColor)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
  expect(contrast).toBeGreaterThan(4.5);
  await page.goBack();
  await page.waitForSelector('[data-set-chart="coverage"] canvas');
  await page.selectOption("#chart-parameter", "FGR-CA0001.scellActivationBufferThreshold");
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-set-chart="parameter"]')?.dataset.points === "1");
  expect(problems).toEqual([]);
});

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)(
  "a page on another site cannot make the server keep exports (an <img> GET, form POSTs); the owner's button keeps one and the page then shows it, marked, with its file",
  async () => {
    await using session = await adminInBrowser();
    const { page, problems } = session;
    await page.goto(`${session.url}/app/sets`);
    const id = await createSetFromPage(page, { name: "Kept on purpose", content: { features: ["FGR-CA0002"], sites: [{ name: "Gangnam" }] } });
    const exportUrl = `${session.url}/app/api/feature-sets/${id}/export?sites=all`;
    const pageKeepUrl = `${session.url}/app/sets/${id}/export`;
    // An address-only user needs no cookie, so another site's page reaches the app as that user:
    // the API's keep and the set page's own form, each posted from there.
    await using evil = serveHtml(
      `<iframe name="sink"></iframe><img id="img" src="${exportUrl}"><form id="f" method="post" action="${exportUrl}"></form><form id="g" method="post" action="${pageKeepUrl}" target="sink"><input name="sites" value="all"></form><script>document.getElementById("img").onerror = () => { document.getElementById("g").submit(); document.getElementById("f").submit(); };</script>`,
    );
    const refused = [exportUrl, pageKeepUrl].map((url) => page.waitForResponse((r) => r.request().method() === "POST" && r.url() === url));
    await page.goto(evil.url);
    expect(await Promise.all(refused.map(async (r) => (await r).status()))).toEqual([403, 403]);
    expect(await query(session.dataDir, "SELECT count(*) AS n FROM generations")).toEqual([{ n: 0 }]);

    await page.goto(`${session.url}/app/sets/${id}`);
    // What the other site's page logged was provoked on purpose: the refusals, the app refusing to
    // be framed, the favicon of the refusal's page.
    problems.length = 0;
    expect(await page.locator("#set-export").textContent()).toContain("A download is not kept.");
    expect(await page.locator("#generations").textContent()).toContain("Nothing generated yet.");
    // No file comes instead of the page: it comes back showing what was kept, with the focus on the message.
    await page.locator('#set-export button[aria-label^="Generate and keep: Every site"]').click();
    await page.waitForURL(/\?kept=\d+&zip$/);
    const [kept] = await query(session.dataDir, "SELECT id, site, created_by FROM generations");
    expect(kept).toMatchObject({ site: "Gangnam", created_by: "owner" });
    expect(await page.locator("#kept-export").textContent()).toContain(`Kept as export #${kept!.id}: every site (1 document in one zip), from revision 1.`);
    expect(await page.locator("#generations").textContent()).not.toContain("Nothing generated yet.");
    const row = page.locator("#generations tbody tr").first();
    expect(await row.getAttribute("class")).toBe("kept");
    expect(await row.textContent()).toContain("just kept");
    await page.waitForFunction(() => document.activeElement?.id === "kept-export");
    const inView = await page.evaluate(() => {
      const box = document.getElementById("kept-export")!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
    const download = page.waitForEvent("download");
    await page.click("#kept-export-download");
    expect((await download).suggestedFilename()).toBe(`feature-set-${id}-r1-sites.zip`);
    await page.locator('#generations button[aria-label^="Pin generation"]').click();
    await page.waitForSelector('#generations button[aria-label^="Unpin generation"]');
    expect(await query(session.dataDir, "SELECT pinned FROM generations")).toEqual([{ pinned: 1 }]);
    expect(problems).toEqual([]);
  },
);

/** A page served from another origin (another port of this machine). */
function serveHtml(html: string) {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(html, { headers: { "content-type": "text/html" } }) });
  return { url: `http://127.0.0.1:${server.port}/`, [Symbol.asyncDispose]: () => server.stop(true) };
}

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)(
  "the per-site parameter chart on a Korean page: points per site, the default as a line, every negative label with its minus sign, a legend naming both series at rest",
  async () => {
    await using session = await adminInBrowser();
    const korean = await session.page.context().browser()!.newContext({ locale: "ko-KR" });
    const page = await korean.newPage();
    const problems = consoleProblems(page);
    await page.goto(`${session.url}/app/sets`);
    const sites = ["A", "B", "C", "D"].map((name, i) => ({ name, overrides: { "FGR-CA0001": { scellAdditionA4ThresholdRsrp: -105 - 5 * i } } }));
    const id = await createSetFromPage(page, { name: "차트", content: { features: ["FGR-CA0001"], sites } });
    await page.goto(`${session.url}/app/sets/${id}`);
    await page.selectOption("#chart-parameter", "FGR-CA0001.scellAdditionA4ThresholdRsrp");
    const chart = page.locator('[data-set-chart="parameter"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-set-chart="parameter"]')?.dataset.points === "4");
    const labels: string[] = JSON.parse((await chart.getAttribute("data-y-labels")) ?? "[]");
    expect(labels.length).toBeGreaterThan(2);
    // Every label below zero (the whole range here) carries its minus sign.
    for (const label of labels) expect(label).toMatch(/^-\d/);
    // The axis is as wide as its longest label, measured in the page's own font.
    const widest = await page.evaluate((texts) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-set-chart="parameter"] canvas')!;
      const context = canvas.getContext("2d")!;
      return Math.max(...texts.map((text) => context.measureText(text).width / devicePixelRatio));
    }, labels);
    expect(Number(await chart.getAttribute("data-y-size"))).toBeGreaterThan(widest);
    expect(JSON.parse((await chart.getAttribute("data-series")) ?? "[]")).toEqual(["FGR-CA0001.scellAdditionA4ThresholdRsrp (dBm)", "카탈로그 기본값"]);
    const legend = await chart.locator(".u-legend").textContent();
    expect(legend).toContain("카탈로그 기본값");
    expect(legend).not.toContain("--");
    expect(problems).toEqual([]);
    await korean.close();
  },
);
