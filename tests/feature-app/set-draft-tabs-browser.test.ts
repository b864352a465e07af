// One set open in two tabs of one Chromium, through the gateway: tab A's edits follow one another
// without a false alarm; tab B, which has not seen them, has its change refused, says so, and shows
// the draft as tab A left it; B's next change then lands on top of A's instead of replacing it.
import { expect, test } from "bun:test";
import { CHROMIUM, adminInBrowser, consoleProblems, createSetFromPage } from "../helpers/browser";
import { query } from "../helpers/database";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("two tabs editing one set's draft lose nothing of each other's", async () => {
  await using session = await adminInBrowser();
  const { page: tabA, problems } = session;
  await tabA.goto(`${session.url}/app/sets`);
  const id = await createSetFromPage(tabA, { name: "Two tabs", content: { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] } });
  const tabB = await tabA.context().newPage();
  // Chromium logs every 409 answer as a failed resource load: that one is provoked here.
  const problemsB = consoleProblems(tabB, /status of 409/);
  for (const tab of [tabA, tabB]) await tab.goto(`${session.url}/app/sets/${id}`);
  const edition = (tab: typeof tabA, value: string) => tab.waitForFunction((v) => (document.getElementById("set-draft-edition") as HTMLInputElement).value === v, value);
  const stored = async () => {
    const [row] = await query(session.dataDir, "SELECT name, content FROM feature_set_drafts WHERE set_id = ?", [id]);
    // The grid always offers one empty row more, which the draft keeps as typed.
    return { name: row?.name, sites: JSON.parse(String(row?.content)).sites.map((s: { name: string }) => s.name).filter(Boolean) };
  };

  // Tab A: two edits, one after the other, each answered with the edition the tab now shows.
  await tabA.fill("#field-site-name-0", "Gangnam-gu");
  await tabA.press("#field-site-name-0", "Tab");
  await edition(tabA, "1");
  await tabA.fill("#field-name", "Named in A");
  await tabA.press("#field-name", "Tab");
  await edition(tabA, "2");
  expect(await tabA.locator("#set-draft-elsewhere").count()).toBe(0);
  expect(await stored()).toEqual({ name: "Named in A", sites: ["Gangnam-gu"] });

  // Tab B still shows the saved set: its change is refused, and it now shows A's draft.
  await tabB.fill("#field-name", "Named in B");
  await tabB.press("#field-name", "Tab");
  await tabB.waitForSelector("#set-draft-elsewhere");
  expect(await tabB.locator("#set-draft-elsewhere").textContent()).toContain("Your last change was not kept");
  expect(await tabB.inputValue("#field-site-name-0")).toBe("Gangnam-gu");
  expect(await tabB.inputValue("#field-name")).toBe("Named in A");
  expect(await stored()).toEqual({ name: "Named in A", sites: ["Gangnam-gu"] });

  // Made again, B's change lands on top of A's.
  await tabB.fill("#field-name", "Named in B");
  await tabB.press("#field-name", "Tab");
  await edition(tabB, "3");
  expect(await stored()).toEqual({ name: "Named in B", sites: ["Gangnam-gu"] });
  expect(problems).toEqual([]);
  expect(problemsB).toEqual([]);
});

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)("on a slow network, two quick changes and Save keep both: a page's own edits are no conflict", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  await page.goto(`${session.url}/app/sets`);
  const id = await createSetFromPage(page, { name: "Slow", content: { features: [], values: {}, sites: [{ name: "Gangnam", overrides: {} }] } });
  await page.goto(`${session.url}/app/sets/${id}`);
  // Each draft edit's answer takes 400 ms: Save is pressed while both edits are still on the way.
  await page.route("**/draft", async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.fulfill({ response });
  });
  await page.fill("#field-name", "Slow, renamed");
  await page.press("#field-name", "Tab");
  await page.fill("#field-site-name-0", "Gangnam-gu");
  await page.press("#field-site-name-0", "Tab");
  await page.click("#set-save");
  await page.waitForSelector("text=Saved as revision 2.");
  const [set] = await query(session.dataDir, "SELECT name, content FROM feature_sets WHERE id = ?", [id]);
  expect({ name: set!.name, sites: JSON.parse(String(set!.content)).sites.map((s: { name: string }) => s.name) }).toEqual({ name: "Slow, renamed", sites: ["Gangnam-gu"] });
  expect(problems).toEqual([]);
});
