// What a person who works by keyboard meets, in a real Chromium, in both languages: the skip link
// first, a focus ring they can see, focus kept on the region an htmx action changed, invalid
// fields marked by more than colour; and Korean lines that break between words, not inside them.
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { CHROMIUM, adminInBrowser } from "../helpers/browser";
import { Visitor } from "../helpers/http-from";

const skip = !CHROMIUM || process.env.FGM_TEST_BINARY !== undefined;

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((n) => {
      const c = Number(n) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    const style = active ? getComputedStyle(active) : undefined;
    return {
      tag: active?.tagName.toLowerCase(),
      id: active?.id,
      text: active?.textContent?.trim(),
      inside: active?.closest("section[id]")?.id,
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : "",
      outlineColor: style?.outlineColor ?? "",
    };
  });

/** Where focus is once it has settled inside section `id` (htmx settles a moment after the swap). */
async function focusIn(page: Page, id: string) {
  await page.waitForFunction((id) => Boolean(document.activeElement?.closest(`section[id="${id}"]`)), id, { timeout: 3000 }).catch(() => undefined);
  return focused(page);
}

test.skipIf(skip)("a skip link comes first on every kind of page and leads to the content, in both languages", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  for (const [lang, label] of [
    ["en", "Skip to the content"],
    ["ko", "본문으로 건너뛰기"],
  ] as const) {
    for (const path of ["/admin", "/admin/access", "/app/", "/app/sets"]) {
      await page.goto(`${session.url}${path}?lang=${lang}`);
      await page.keyboard.press("Tab");
      expect({ path, ...(await focused(page)) }).toMatchObject({ path, tag: "a", text: label });
      const ring = await focused(page);
      expect(ring.outline).toBe("solid 3px");
      await page.keyboard.press("Enter");
      expect({ path, id: (await focused(page)).id }).toEqual({ path, id: "main" });
    }
  }
  expect(problems).toEqual([]);
});

test.skipIf(skip)("the focus ring has at least 3:1 contrast against the page and the cards", async () => {
  await using session = await adminInBrowser();
  const { page } = session;
  await page.goto(`${session.url}/admin/access`);
  await page.click("details.add-user summary");
  await page.focus("#field-name");
  // Focus by keyboard, so :focus-visible applies as it does for a person using Tab.
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  const ring = await focused(page);
  expect(ring.id).toBe("field-name");
  expect(ring.outline).toBe("solid 3px");
  const backgrounds = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector(".card")!).backgroundColor]);
  for (const background of [shownBackground(backgrounds[0]!), backgrounds[1]!]) expect(contrast(ring.outlineColor, background)).toBeGreaterThanOrEqual(3);
});

/** A transparent body shows the root's background (#f6f7f9). */
function shownBackground(color: string): string {
  return color === "rgba(0, 0, 0, 0)" ? "rgb(246, 247, 249)" : color;
}

test.skipIf(skip)("after add, approve and reject by keyboard, focus is on the changed region, not the top of the page", async () => {
  await using session = await adminInBrowser();
  const { page, problems } = session;
  for (const [address, name] of [
    ["127.0.0.7", "Jun"],
    ["127.0.0.8", "Hana"],
  ]) {
    await new Visitor(address!, session.url).post("/access-request", { name: name!, reason: "" });
  }
  for (const lang of ["en", "ko"]) {
    await page.goto(`${session.url}/admin/access?lang=${lang}`);
    if (lang === "en") {
      expect(await page.textContent("#pending-badge")).toBe("2 waiting");
      // Approve the first request: Tab to its button and press Enter.
      await page.focus("#access-requests .actions button");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#access-requests [role=status]");
      expect(await focusIn(page, "access-requests")).toMatchObject({ inside: "access-requests", tag: "p", text: expect.stringContaining("127.0.0.8") });
      // The menu's count follows without a reload.
      expect(await page.textContent("#pending-badge")).toBe("1 waiting");
      // Reject the other.
      await page.focus("#access-requests .actions button.secondary");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#access-requests [role=status]:has-text('127.0.0.7')");
      expect(await focusIn(page, "access-requests")).toMatchObject({ inside: "access-requests", text: expect.stringContaining("127.0.0.7") });
      expect(await page.textContent("#pending-badge")).toBe("");
    }
    // Add a user whose address is taken: refused in place, and focus is on the refusal.
    await page.click("details.add-user summary");
    await page.fill("#field-name", `taken-${lang}`);
    await page.fill("#field-addresses", "127.0.0.1");
    await page.press("#field-addresses", "Enter");
    // htmx keeps focus on the field typed in (it is swapped in again with the same id), beside the alert.
    expect(await focusIn(page, "users")).toMatchObject({ inside: "users", id: "field-addresses" });
    expect(await page.textContent("#users [role=alert]")).toContain("127.0.0.1");
    // And a good one: focus is on the message that says it was added.
    await page.fill("#field-name", `new-${lang}`);
    await page.fill("#field-addresses", lang === "en" ? "127.0.0.20" : "127.0.0.21");
    await page.press("#field-addresses", "Enter");
    await page.waitForSelector(`#users [role=status]:has-text('new-${lang}')`);
    expect(await focusIn(page, "users")).toMatchObject({ inside: "users", tag: "p", text: expect.stringContaining(`new-${lang}`) });
  }
  expect(problems).toEqual([]);
});

test.skipIf(skip)("an invalid field carries aria-invalid and a visible error style, not colour alone", async () => {
  await using session = await adminInBrowser();
  const { page } = session;
  for (const lang of ["en", "ko"]) {
    await page.goto(`${session.url}/admin/settings?lang=${lang}`);
    await page.fill("#setting-maxInstances", "many");
    await page.press("#setting-maxInstances", "Enter");
    await page.waitForSelector("#setting-maxInstances[aria-invalid=true]");
    const look = await page.evaluate(() => {
      const input = document.getElementById("setting-maxInstances")!;
      const style = getComputedStyle(input);
      return { border: style.borderTopWidth, color: style.borderTopColor, background: style.backgroundColor, describedBy: input.getAttribute("aria-describedby"), focused: document.activeElement === input };
    });
    expect(look).toMatchObject({ border: "2px", color: "rgb(185, 28, 28)", background: "rgb(254, 242, 242)", focused: true });
    const errorId = look.describedBy?.split(" ").find((id) => id.endsWith("-error"));
    expect(await page.textContent(`#${errorId}`)).toBeTruthy();
  }
});

test.skipIf(skip)("Korean text breaks between words: a narrow column keeps 선행 기능 whole", async () => {
  await using session = await adminInBrowser();
  const { page } = session;
  for (const [lang, wordBreak] of [
    ["ko", "keep-all"],
    ["en", "normal"],
  ] as const) {
    await page.goto(`${session.url}/app/?lang=${lang}`);
    const measured = await page.evaluate(() => {
      const cell = document.createElement("p");
      cell.style.width = "4.5em";
      cell.textContent = "선행 기능 필요";
      document.querySelector("main")!.append(cell);
      // Each word's characters on one line: a word split over two lines has two tops.
      const tops = (word: string) => {
        const range = document.createRange();
        const start = cell.textContent!.indexOf(word);
        range.setStart(cell.firstChild!, start);
        range.setEnd(cell.firstChild!, start + word.length);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      };
      return { wordBreak: getComputedStyle(cell).wordBreak, lines: ["선행", "기능", "필요"].map(tops) };
    });
    expect(measured.wordBreak).toBe(wordBreak);
    if (lang === "ko") expect(measured.lines).toEqual([1, 1, 1]);
  }
});
