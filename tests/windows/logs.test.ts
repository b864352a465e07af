// Log files held open by another program (PowerShell's `Get-Content -Wait`, an editor, a log
// shipper: opened without FILE_SHARE_DELETE, so they cannot be renamed) at start and when they
// rotate: the gateway and its apps run on and no line is lost (issue 15, defect 3).
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Visitor } from "../helpers/http-from";
import { describeWindows, holdFileOpen, runExe, startWindowsServe, windowsFolder } from "./wine";

const OLD_LINE = "2026-12-01T09:00:00+09:00 INFO  old line\n";

/** A log already at its size limit, so that the next line rotates it. */
function fullLog(path: string, limit: number): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, OLD_LINE.repeat(Math.ceil(limit / OLD_LINE.length)));
}

describeWindows("log files held open on Windows (the exe under Wine)", () => {
  test("gateway.log and an app's log held open when they must rotate: serve starts, the app runs, lines are kept", async () => {
    using folder = windowsFolder();
    await runExe(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", folder.data]);
    await runExe(["user", "add", "bob", "--role", "user", "--ip", "127.0.0.3", "--data", folder.data]);
    const logs = join(folder.dataLinux, "logs");
    const gatewayLog = join(logs, "gateway.log");
    const spareLog = join(logs, "instances", "spare-1.log");
    fullLog(gatewayLog, 10 * 1024 * 1024);
    fullLog(spareLog, 5 * 1024 * 1024);
    await using heldGatewayLog = await holdFileOpen(gatewayLog);
    await using heldSpareLog = await holdFileOpen(spareLog);

    await using gateway = await startWindowsServe(folder.data, ["--spare-instances", "1"]);
    // The spare app started and wrote its lines despite its held log; bob's visit then takes it
    // over, moving its log to bob's name (a rename refused while held).
    const bob = new Visitor("127.0.0.3", gateway.url);
    await bob.get("/");
    const health = await bob.get("/app/_health");
    expect(`${health.status} ${health.body.slice(0, 300)}\n${gateway.output()}`).toStartWith("200");
    expect(health.body).toContain('"user":"bob"');
    expect(gateway.child.exitCode).toBeNull();

    // Rotated by copying into .1 and emptying in place: old lines in .1, new ones in the log.
    expect(readFileSync(`${gatewayLog}.1`, "utf8").startsWith(OLD_LINE)).toBe(true);
    const current = readFileSync(gatewayLog, "utf8");
    expect(current).not.toContain("old line");
    expect(current).toContain("gateway listening");
    expect(readFileSync(`${spareLog}.1`, "utf8").startsWith(OLD_LINE)).toBe(true);
    expect(readFileSync(spareLog, "utf8")).toContain("feature-app listening");
    await heldGatewayLog.release();
    await heldSpareLog.release();
  });
});
