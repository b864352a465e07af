import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningServe, runCli, startServe } from "../helpers/cli";
import { Visitor, getFrom } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

describe("pages, languages and assets", () => {
  using dir = tempDir();
  let gateway: RunningServe;
  beforeAll(async () => {
    await runCli(["user", "add", "root", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--display-name", "Alice <Kim>", "--data", dir.path]);
    gateway = await startServe(dir.path);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test.each([
    ["en-US,en;q=0.9", "en", "Access denied"],
    ["ko-KR,ko;q=0.9,en;q=0.5", "ko", "접근 거부"],
    ["fr-FR", "en", "Access denied"],
  ])("Accept-Language %s picks %s", async (header, language, text) => {
    const response = await getFrom("127.0.0.4", `${gateway.url}/`, { "accept-language": header });
    expect(response.body).toContain(`<html lang="${language}">`);
    expect(response.body).toContain(text);
  });

  test("the language switch wins over the browser and is remembered", async () => {
    const visitor = new Visitor("127.0.0.2", gateway.url, { "accept-language": "en" });
    await visitor.get("/");
    const switched = await visitor.get("/app/?lang=ko");
    expect(switched.body).toContain('<html lang="ko">');
    expect(switched.body).toContain("Alice &lt;Kim&gt;");
    expect(switched.body).toContain("카탈로그");
    expect(visitor.cookies.get("lang")).toBe("ko");
    const later = await visitor.get("/app/");
    expect(later.body).toContain('<html lang="ko">');
    expect(later.body).toContain('href="/app/?lang=en"');
  });

  test("user-supplied text is escaped", async () => {
    const visitor = new Visitor("127.0.0.2", gateway.url);
    await visitor.get("/");
    const page = await visitor.get("/app/");
    expect(page.body).toContain("Alice &lt;Kim&gt;");
    expect(page.body).not.toContain("<Kim>");
  });

  test("pages carry a strict content security policy and no inline script", async () => {
    const response = await getFrom("127.0.0.4", `${gateway.url}/`);
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test.each([
    ["htmx.min.js", "text/javascript", "htmx"],
    ["uPlot.iife.min.js", "text/javascript", "uPlot"],
    ["uPlot.min.css", "text/css", ".uplot"],
    ["app.css", "text/css", "--accent"],
    ["favicon.svg", "image/svg+xml", "<svg"],
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
      expect(response.body).not.toContain("import ");
      expect(response.body).not.toContain('"dependencies"');
    },
  );

  test("a Host name the server is not known by is refused (DNS rebinding)", async () => {
    const rebound = await getFrom("127.0.0.2", `${gateway.url}/app/`, { host: "evil.example:80" });
    expect(rebound.status).toBe(421);
    expect(rebound.body).toContain("--public-host evil.example");
    const byIp = await getFrom("127.0.0.2", `${gateway.url}/`, { host: "127.0.0.1" });
    expect(byIp.status).toBe(303);
    const byName = await getFrom("127.0.0.2", `${gateway.url}/`, { host: "localhost:8000" });
    expect(byName.status).toBe(303);
  });

  test("/healthz answers anyone with version and uptime", async () => {
    const response = await getFrom("127.0.0.99", `${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok", version: expect.any(String), uptimeSeconds: expect.any(Number) });
  });
});
