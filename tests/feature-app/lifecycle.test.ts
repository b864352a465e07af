// How an instance ends: its stdin pipe closing (the gateway is gone) or a signal.
import { describe, expect, test } from "bun:test";
import { startFeatureApp } from "./instance";

async function exitsWithin(child: { exited: Promise<number> }, ms: number): Promise<number | "still running"> {
  return Promise.race([child.exited, Bun.sleep(ms).then(() => "still running" as const)]);
}

describe("feature-app lifecycle", () => {
  test("with --exit-with-stdin it exits by itself within 3 s once stdin closes", async () => {
    await using app = await startFeatureApp({ user: "alice", args: ["--exit-with-stdin"], stdin: "pipe" });
    (app.child.stdin as import("bun").FileSink).end();
    expect(await exitsWithin(app.child, 3000)).toBe(0);
    expect(app.output()).toContain("parent gone (stdin closed)");
  });

  test.each([["SIGTERM"], ["SIGINT"]] as const)("%s stops it with exit code 0, stdin pipe or not", async (signal) => {
    for (const stdinArgs of [[], ["--exit-with-stdin"]]) {
      await using app = await startFeatureApp({ user: "alice", args: stdinArgs, stdin: stdinArgs.length ? "pipe" : "ignore" });
      app.child.kill(signal);
      expect(await exitsWithin(app.child, 5000)).toBe(0);
      expect(app.output()).toContain(`reason=${signal}`);
    }
  });

  test("a spare exits on stdin close as well", async () => {
    await using app = await startFeatureApp({ args: ["--exit-with-stdin"], stdin: "pipe" });
    (app.child.stdin as import("bun").FileSink).end();
    expect(await exitsWithin(app.child, 3000)).toBe(0);
  });
});
