// Starting the Windows exe the ways an administrator meets: a gateway.pid left by a hard stop whose
// pid Windows gave to another program, a second start, a port in use, a folder that cannot be
// written (issue 15, defects 2, 4 and 5).
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../helpers/cli";
import { readOnlyFolder } from "../helpers/read-only";
import { describeWindows, holdFileOpen, runExe, startWindowsServe, windowsFolder, windowsPath } from "./wine";

describeWindows("starting the gateway on Windows (the exe under Wine)", () => {
  test("a gateway.pid naming a live foreign process blocks nothing; a second start is refused with the running one's address", async () => {
    using folder = windowsFolder();
    mkdirSync(folder.dataLinux);
    // A live Windows process that is not a gateway: the pid a hard-stopped gateway left behind, reused.
    await using foreign = await holdFileOpen(join(folder.path, "unrelated.txt"));
    writeFileSync(join(folder.dataLinux, "gateway.pid"), String(foreign.pid));
    const doctor = await runExe(["doctor", "--data", folder.data, "--port", String(await freePort())]);
    expect(doctor.stdout).toContain(`stale: gateway.pid was left by a gateway that did not stop cleanly (killed or power cut); pid ${foreign.pid} is now another program (a foreign lock)`);

    await using gateway = await startWindowsServe(folder.data, ["--spare-instances", "0"]);
    const holder = JSON.parse(readFileSync(join(folder.dataLinux, "gateway.pid"), "utf8"));
    expect(holder.url).toBe(`http://localhost:${gateway.port}/`);
    const second = await runExe(["serve", "--data", folder.data, "--port", String(await freePort()), "--no-open"]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`5gfm serve: another 5gfm gateway (pid ${holder.pid}) is already serving ${folder.data} at ${holder.url}`);
    expect((await fetch(`${gateway.url}/healthz`)).ok).toBe(true);

    // A second double-click (no arguments) opens the browser at the running server: Windows'
    // url.dll hands the address to Wine's winebrowser, which calls xdg-open, here one that notes it.
    const bin = join(folder.path, "bin");
    mkdirSync(bin);
    const opened = join(folder.path, "opened.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\necho "$1" > '${opened}'\n`, { mode: 0o755 });
    const clicked = await runExe([], { env: { FGM_DATA: folder.data, PATH: `${bin}:${process.env.PATH}` } });
    expect(clicked.code).toBe(0);
    expect(clicked.stdout).toContain(`5G Feature Manager is already running on this computer (pid ${holder.pid}) at ${holder.url}; opened it in your browser.`);
    for (let i = 0; i < 100 && !existsSync(opened); i++) await Bun.sleep(100);
    expect(readFileSync(opened, "utf8").trim()).toBe(holder.url);
  });

  test("a gateway ended with taskkill /f leaves nothing that blocks the next start", async () => {
    using folder = windowsFolder();
    const first = await startWindowsServe(folder.data, ["--spare-instances", "0"]);
    const { pid } = JSON.parse(readFileSync(join(folder.dataLinux, "gateway.pid"), "utf8"));
    const killed = await runExe(["/f", "/pid", String(pid)], { exe: "taskkill" });
    expect(killed.code).toBe(0);
    await first.child.exited;
    expect(existsSync(join(folder.dataLinux, "gateway.pid"))).toBe(true);
    await using second = await startWindowsServe(folder.data, ["--spare-instances", "0"]);
    expect((await fetch(`${second.url}/healthz`)).ok).toBe(true);
  });

  test("a port in use: one line naming the port and 5gfm-data\\5gfm.json, exit 1, no database created", async () => {
    using folder = windowsFolder();
    const blocker = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response("x") });
    try {
      const result = await runExe(["serve", "--no-open", "--port", String(blocker.port)], { exe: folder.exe });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `5gfm serve: port ${blocker.port} is already in use by another program; choose another "port" in ${windowsPath(join(folder.path, "5gfm-data", "5gfm.json"))} (or start with --port)`,
      );
      expect(existsSync(join(folder.path, "5gfm-data", "5gfm.db"))).toBe(false);
      expect(readFileSync(join(folder.path, "5gfm-data", "logs", "gateway.log"), "utf8")).toContain("could not start");
    } finally {
      blocker.stop(true);
    }
  });

  test("an exe folder that cannot be written (as C:\\Program Files): one line, exit 1", async () => {
    using folder = windowsFolder();
    using _readOnly = readOnlyFolder(folder.path);
    const result = await runExe(["serve", "--no-open", "--port", String(await freePort())], { exe: folder.exe });
    expect(result.code).toBe(1);
    const data = windowsPath(join(folder.path, "5gfm-data"));
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^5gfm serve: cannot write to the data folder ${data.replaceAll("\\", "\\\\")} \\(E[A-Z]+\\); put 5gfm in a folder you may write to, or choose one with --data$`),
    );
  });

  test("a read-only data folder: one line, exit 1", async () => {
    using folder = windowsFolder();
    using _readOnly = readOnlyFolder(folder.dataLinux);
    const result = await runExe(["serve", "--no-open", "--data", folder.data, "--port", String(await freePort())]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`5gfm serve: cannot write to the data folder ${folder.data} (`);
  });
});
