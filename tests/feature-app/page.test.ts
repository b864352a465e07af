// The feature app's home page, server-rendered: catalog table, per-release counts, user, language.
import { describe, expect, test } from "bun:test";
import { startFeatureApp } from "./instance";

describe("feature-app page", () => {
  test("lists the first page of the demo catalog sorted by id, names the user and loads only external assets", async () => {
    await using app = await startFeatureApp({ user: "alice", env: { FGM_USER_DISPLAY_NAME: "Alice <Kim>", FGM_USER_ROLE: "user" } });
    const response = await fetch(`${app.url}/app/`, { headers: app.auth });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toStartWith("<!doctype html>");
    expect(page).toContain("<title>Feature catalog · 5G Feature Manager</title>");
    expect(page).toContain("Signed in as Alice &lt;Kim&gt;");
    expect(page).toContain('<tr id="FGR-CA0001"><td class="nowrap"><a href="/app/features/FGR-CA0001">FGR-CA0001</a></td>');
    const ids = [...page.matchAll(/<tr id="(FGR-[^"]+)">/g)].map((m) => m[1]);
    expect(ids.length).toBe(50);
    expect(ids).toEqual(ids.toSorted());
    expect(page).toContain("1–50 of 88 features");
    expect(page).toMatch(/<link rel="stylesheet" href="\/static\/app\.css(\?[^"]*)?"/);
    expect(page).toMatch(/<script type="module" src="\/static\/feature-app\.js(\?[^"]*)?"><\/script>/);
    // The CSP allows no inline code: every script has a src, and there are no style attributes or elements.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(page).toMatch(/id="connection-status"[^>]*data-connected="connected"[^>]*data-reconnecting="reconnecting… \(attempt \{attempt\}\)"/);
  });

  test("is Korean for Accept-Language ko, the lang cookie or ?lang=ko, and names the user without a display name", async () => {
    await using app = await startFeatureApp({ user: "bob" });
    const get = async (path: string, headers: Record<string, string>) =>
      (await fetch(`${app.url}${path}`, { headers: { ...app.auth, ...headers } })).text();
    const fromHeader = await get("/app/", { "accept-language": "ko-KR,ko;q=0.9,en;q=0.5" });
    expect(fromHeader).toContain('<html lang="ko">');
    expect(fromHeader).toContain("<title>기능 카탈로그 · 5G 기능 관리 도구</title>");
    expect(fromHeader).toContain("bob으로 로그인됨");
    expect(fromHeader).toContain("기능 카탈로그");
    expect(fromHeader).toContain('data-connected="연결됨"');
    expect(fromHeader).toContain("FGR-CA0001");
    expect(await get("/app/", { cookie: "lang=ko" })).toContain('<html lang="ko">');
    expect(await get("/app/?lang=ko", {})).toContain('<html lang="ko">');
    const english = await get("/app/", { "accept-language": "en-US,ko;q=0.5" });
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("Signed in as bob");
    expect(english).toContain(`<a href="/app/?lang=ko" hreflang="ko">`);
  });

  test("units are written as Korean engineers write them: 2 서브프레임, but dBm stays dBm", async () => {
    await using app = await startFeatureApp({ user: "bob" });
    const get = async (lang: string) => (await fetch(`${app.url}/app/features/FGR-DS0001?lang=${lang}`, { headers: app.auth })).text();
    const korean = await get("ko");
    expect(korean).toContain("2 서브프레임");
    expect(korean).not.toContain("2 subframe");
    expect(await get("en")).toContain("2 subframe");
    const withDbm = await (await fetch(`${app.url}/app/features/FGR-CA0001?lang=ko`, { headers: app.auth })).text();
    expect(withDbm).toMatch(/-?\d+ dBm/);
  });
});
