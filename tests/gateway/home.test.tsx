import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { getFrom } from "../helpers/http-from";
import { HomePage } from "../../views/home-page";
import { translator } from "../../src/i18n/messages";
import { tempDir } from "../helpers/temp-dir";

describe("start page before any admin exists", () => {
  test("the machine itself is told how to create the admin; a remote visitor only that it is not set up", async () => {
    using dir = tempDir();
    await using gateway = await startServe(dir.path);
    const local = await getFrom("127.0.0.1", `${gateway.url}/`);
    expect(local.status).toBe(200);
    expect(local.body).toContain("Not set up yet");
    expect(local.body).toContain("5gfm user add admin --role admin");
  });

  test("a visitor from another machine sees no setup instructions", () => {
    // Every address here is loopback, so the remote case is rendered directly.
    const html = String(
      <HomePage page={{ locale: "en", t: translator("en"), currentPath: "/" }} address="10.1.2.3" visitor={{ kind: "not-set-up", fromThisMachine: false }} />,
    );
    expect(html).toContain("It can only be set up from the server machine itself");
    expect(html).not.toContain("5gfm user add");
  });
});

describe("start page with users", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  beforeAll(async () => {
    await runCli(["user", "add", "root", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--display-name", "Alice <Kim>", "--data", dir.path]);
    await runCli(["user", "add", "bob", "--role", "user", "--ip", "127.0.0.3", "--disable", "--data", dir.path]);
    gateway = await startServe(dir.path);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test.each([
    ["127.0.0.2", "en", "belongs to Alice &lt;Kim&gt; (user)"],
    ["127.0.0.2", "ko", "Alice &lt;Kim&gt;(사용자) 계정에 등록되어"],
    ["127.0.0.3", "en", "The account bob is disabled"],
    ["127.0.0.3", "ko", "bob 계정이 비활성화되어"],
    ["127.0.0.4", "en", "This address is not registered"],
    ["127.0.0.4", "ko", "등록되지 않은 주소입니다"],
  ])("visitor %s in %s", async (from, language, expected) => {
    const response = await getFrom(from, `${gateway.url}/`, { "accept-language": language === "ko" ? "ko-KR,ko;q=0.9,en;q=0.5" : "en-US" });
    expect(response.status).toBe(200);
    expect(response.body).toContain(`<span class="address" id="client-address">${from}</span>`);
    expect(response.body).toContain(expected);
    expect(response.body).toContain(`<html lang="${language}">`);
  });

  test("X-Forwarded-For does not change who you are", async () => {
    const response = await getFrom("127.0.0.4", `${gateway.url}/`, { "x-forwarded-for": "127.0.0.2" });
    expect(response.body).toContain(">127.0.0.4</span>");
    expect(response.body).not.toContain("Alice");
  });

  test("the language switch wins over the browser and is remembered", async () => {
    const switched = await getFrom("127.0.0.2", `${gateway.url}/?lang=ko`, { "accept-language": "en" });
    expect(switched.body).toContain('<html lang="ko">');
    const cookie = String(switched.headers["set-cookie"]).split(";")[0]!;
    expect(cookie).toBe("lang=ko");
    const later = await getFrom("127.0.0.2", `${gateway.url}/`, { "accept-language": "en", cookie });
    expect(later.body).toContain('<html lang="ko">');
    expect(later.body).toContain('href="/?lang=en"');
  });

  test("pages carry a strict content security policy and no inline script", async () => {
    const response = await getFrom("127.0.0.2", `${gateway.url}/`);
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test.each([
    ["htmx.min.js", "text/javascript", "htmx"],
    ["uPlot.iife.min.js", "text/javascript", "uPlot"],
    ["uPlot.min.css", "text/css", ".uplot"],
    ["app.css", "text/css", "--accent"],
  ])("static %s", async (name, type, marker) => {
    const response = await fetch(`${gateway.url}/static/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(type);
    expect(await response.text()).toContain(marker);
  });

  test.each(["/static/../src/main.ts", "/static/%2e%2e%2fpackage.json", "/static/nothing.js", "/nowhere"])(
    "%s is not found and reveals nothing",
    async (path) => {
      const response = await getFrom("127.0.0.2", `${gateway.url}${path}`);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain("import");
      expect(response.body).not.toContain('"dependencies"');
    },
  );
});
