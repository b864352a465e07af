// A spare instance: started without a user, closed until the gateway claims it once.
import { describe, expect, test } from "bun:test";
import { startFeatureApp } from "./instance";

describe("feature-app spare", () => {
  test("answers 503 until claimed, accepts one valid claim, then serves the claimed user", async () => {
    await using app = await startFeatureApp();
    const get = (path: string) => fetch(`${app.url}${path}`, { headers: app.auth });
    const claim = (body: string) =>
      fetch(`${app.url}/app/_claim`, { method: "POST", headers: { ...app.auth, "content-type": "application/json" }, body });

    expect((await (await get("/app/_health")).json()).user).toBe("");
    for (const path of ["/app/", "/app/_diag/download?bytes=1", "/app/nothing", "/app/ws"]) {
      const response = await get(path);
      expect(`${path} ${response.status}`).toBe(`${path} 503`);
      expect(await response.json()).toEqual({ error: "not assigned to a user yet" });
    }

    for (const bad of [
      "not json",
      "{}",
      JSON.stringify({ user: "alice", role: "boss" }),
      JSON.stringify({ user: "", role: "user" }),
      JSON.stringify({ user: "../etc", role: "user" }),
      JSON.stringify({ user: "alice", displayName: 5, role: "user" }),
    ]) {
      const response = await claim(bad);
      expect(`${bad} ${response.status}`).toBe(`${bad} 400`);
      expect(typeof (await response.json()).error).toBe("string");
    }
    expect((await get("/app/")).status).toBe(503);

    const first = await claim(JSON.stringify({ user: "alice", displayName: "Alice Kim", role: "user" }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true });
    const second = await claim(JSON.stringify({ user: "bob", displayName: "Bob", role: "admin" }));
    expect(second.status).toBe(409);

    expect((await (await get("/app/_health")).json()).user).toBe("alice");
    const page = await get("/app/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Signed in as Alice Kim");
  });

  test("an instance started with --user cannot be claimed", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const response = await fetch(`${app.url}/app/_claim`, {
      method: "POST",
      headers: app.auth,
      body: JSON.stringify({ user: "bob", role: "user" }),
    });
    expect(response.status).toBe(409);
  });
});
