// static/feature-app.js in a real browser, under the gateway's CSP: the status line says
// "connected" (here in Korean), and after the instance stops it reconnects by itself to the one
// that replaces it.
// A small stand-in for the gateway serves /static/* and relays /app/* with the instance token.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { ServerWebSocket } from "bun";
import { chromium } from "playwright-core";
import { REPO } from "../helpers/cli";
import { type RunningApp, startFeatureApp } from "./instance";

const BROWSER = [process.env.FGM_TEST_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(
  (path) => path && existsSync(path),
);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'";

interface Relay {
  upstream: WebSocket;
}

function standInGateway(target: () => RunningApp) {
  return Bun.serve<Relay>({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req, server) {
      const url = new URL(req.url);
      if (url.pathname.startsWith("/static/")) {
        return new Response(Bun.file(join(REPO, "static", basename(url.pathname))));
      }
      const app = target();
      if (url.pathname === "/app/ws") {
        const upstream = new WebSocket(`ws://127.0.0.1:${app.port}/app/ws`, { headers: app.auth } as unknown as string[]);
        const opened = await new Promise<boolean>((resolve) => {
          upstream.onopen = () => resolve(true);
          upstream.onerror = () => resolve(false);
        });
        if (opened && server.upgrade(req, { data: { upstream } })) return undefined;
        return new Response("instance unavailable", { status: 502 });
      }
      const response = await fetch(`${app.url}${url.pathname}${url.search}`, { headers: { ...app.auth, cookie: req.headers.get("cookie") ?? "" } });
      const headers = new Headers(response.headers);
      headers.set("content-security-policy", CSP);
      return new Response(response.body, { status: response.status, headers });
    },
    websocket: {
      open(ws: ServerWebSocket<Relay>) {
        ws.data.upstream.onmessage = (event) => ws.send(event.data);
        ws.data.upstream.onclose = (event) => ws.close(event.code === 1005 ? 1000 : event.code, event.reason);
      },
      message(ws, message) {
        ws.data.upstream.send(message);
      },
      close(ws) {
        ws.data.upstream.close();
      },
    },
  });
}

describe("feature-app page in a browser", () => {
  test.skipIf(!BROWSER)("shows the connection, reconnects after the instance is replaced, in the page's language", async () => {
    let app = await startFeatureApp({ user: "alice" });
    const gateway = standInGateway(() => app);
    const browser = await chromium.launch({ executablePath: BROWSER, headless: true });
    const problems: string[] = [];
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: "lang", value: "ko", url: `http://127.0.0.1:${gateway.port}` }]);
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error" && !message.text().includes("WebSocket")) problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`http://127.0.0.1:${gateway.port}/app/`);
      await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "연결됨", null, { timeout: 10_000 });

      await app[Symbol.asyncDispose]();
      await page.waitForFunction(
        () => /다시 연결하는 중… \(\d+번째 시도\)/.test(document.getElementById("connection-status")?.textContent ?? ""),
        null,
        { timeout: 10_000 },
      );
      app = await startFeatureApp({ user: "alice" });
      await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "연결됨", null, { timeout: 20_000 });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      gateway.stop(true);
      await app[Symbol.asyncDispose]();
    }
  }, 60_000);
});
