// The instance token, the health report, and what a started instance answers where.
import { describe, expect, test } from "bun:test";
import { runCli } from "../helpers/cli";
import { TOKEN_HEADER, rawStatus, startFeatureApp, upgradeRequest } from "./instance";

describe("feature-app access", () => {
  test("every request without the right X-FGM-Token is refused with 401, the WebSocket upgrade included", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const wrong = `${app.token.slice(0, -1)}${app.token.endsWith("A") ? "B" : "A"}`;
    const refused: Record<string, string>[] = [{}, { [TOKEN_HEADER]: wrong }, { [TOKEN_HEADER]: "short" }, { [TOKEN_HEADER]: "" }];
    for (const headers of refused) {
      for (const [method, path] of [
        ["GET", "/app/_health"],
        ["GET", "/app/"],
        ["POST", "/app/_claim"],
        ["POST", "/app/_diag/upload"],
        ["GET", "/app/_diag/download?bytes=10"],
        ["GET", "/elsewhere"],
      ] as const) {
        const response = await fetch(`${app.url}${path}`, { method, headers });
        expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 401`);
        expect(await response.json()).toEqual({ error: "missing or wrong instance token" });
      }
    }
    expect(await rawStatus(app.port, upgradeRequest())).toBe(401);
    expect(await rawStatus(app.port, upgradeRequest([`${TOKEN_HEADER}: ${wrong}`]))).toBe(401);
    expect(await rawStatus(app.port, upgradeRequest([`${TOKEN_HEADER}: ${app.token}`]))).toBe(101);
  });

  test("/app/_health reports the process with exactly the documented fields", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const response = await fetch(`${app.url}/app/_health`, { headers: app.auth });
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(Object.keys(health).sort()).toEqual(
      ["cpuSeconds", "heapUsedBytes", "openWebSockets", "pid", "rssBytes", "status", "uptimeSeconds", "user"].sort(),
    );
    expect(health).toMatchObject({ status: "ok", user: "alice", pid: app.child.pid, openWebSockets: 0 });
    expect(health.rssBytes).toBeGreaterThan(1_000_000);
    expect(health.heapUsedBytes).toBeGreaterThan(0);
    expect(health.cpuSeconds).toBeGreaterThan(0);
    // Rounded to hundredths (checked on the JSON text: 0.14 * 100 is 14.000000000000002 in floating point).
    expect(String(health.cpuSeconds)).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  test("unknown paths answer 404 JSON, inside /app/ and outside it", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    for (const path of ["/app/nothing", "/app/_diag/nothing", "/", "/static/app.css"]) {
      const response = await fetch(`${app.url}${path}`, { headers: app.auth });
      expect(`${path} ${response.status}`).toBe(`${path} 404`);
      expect(await response.json()).toEqual({ error: "not found" });
    }
    const browser = await fetch(`${app.url}/app/feature-sets`, { headers: { ...app.auth, accept: "text/html" } });
    expect(browser.status).toBe(404);
    expect(await browser.text()).toContain("This page does not exist.");
    const plain = await fetch(`${app.url}/app/ws`, { headers: app.auth });
    expect(plain.status).toBe(426);
  });

  test.each([
    ["missing", {}],
    ["too short", { FGM_INSTANCE_TOKEN: "x".repeat(31) }],
  ])("a %s FGM_INSTANCE_TOKEN stops the start with exit code 2", async (_, env) => {
    const result = await runCli(["feature-app", "--port", "1", "--user", "alice"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("FGM_INSTANCE_TOKEN");
  });

  test("a bad FGM_USER_ROLE stops the start with exit code 2", async () => {
    const result = await runCli(["feature-app", "--port", "1", "--user", "alice"], {
      env: { FGM_INSTANCE_TOKEN: "t".repeat(43), FGM_USER_ROLE: "root" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("FGM_USER_ROLE");
  });
});
