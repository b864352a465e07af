// The feature-app page in a real browser through the real gateway: it loads under the CSP with
// no console error, says it is connected (in Korean here), and when its instance dies it says it
// is reconnecting and reconnects by itself to the instance that replaces it.
import { expect, test } from "bun:test";
import { CHROMIUM, consoleProblems, launchBrowser } from "../helpers/browser";
import { runCli, startServe } from "../helpers/cli";
import { instanceOf, waitFor } from "../helpers/database";
import { tempDir } from "../helpers/temp-dir";

test.skipIf(!CHROMIUM || process.env.FGM_TEST_BINARY !== undefined)(
  "the feature-app page reconnects by itself after its instance restarts",
  async () => {
    using dir = tempDir();
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--ip", "::1", "--data", dir.path]);
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ locale: "ko-KR" })).newPage();
      const problems = consoleProblems(page, /WebSocket/);
      await page.goto(`${gateway.url}/app/`);
      await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "연결됨");
      expect(await page.locator("html").getAttribute("lang")).toBe("ko");

      const before = await instanceOf(dir.path, "owner");
      process.kill(before.pid!, "SIGKILL");
      await page.waitForFunction(() => /다시 연결하는 중/.test(document.getElementById("connection-status")?.textContent ?? ""));
      await page.waitForFunction(() => document.getElementById("connection-status")?.textContent === "연결됨", undefined, {
        timeout: 30_000,
      });
      const after = await waitFor("a new instance", async () => {
        const record = await instanceOf(dir.path, "owner");
        return record.state === "running" && record.pid !== before.pid ? record : undefined;
      });
      expect(after.pid).not.toBe(before.pid);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  },
);
