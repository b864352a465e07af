// Restore on Windows: Windows refuses to rename a file that is still open, which made every restore
// end in EBUSY while a database handle was left open (issue 15, defect 1).
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { Visitor } from "../helpers/http-from";
import { describeWindows, runExe, startWindowsServe, windowsFolder } from "./wine";

const userNames = async (data: string) =>
  JSON.parse((await runExe(["user", "list", "--json", "--data", data])).stdout).map((u: { name: string }) => u.name);

describeWindows("restore on Windows (the exe under Wine)", () => {
  test("5gfm restore FILE puts the backup back and keeps the replaced database aside", async () => {
    using folder = windowsFolder();
    const data = ["--data", folder.data];
    expect((await runExe(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", ...data])).code).toBe(0);
    const backup = await runExe(["backup", "--out", `${folder.data}\\before-bob.db`, ...data]);
    expect(backup.code).toBe(0);
    expect((await runExe(["user", "add", "bob", "--role", "user", "--ip", "127.0.0.3", ...data])).code).toBe(0);
    expect(await userNames(folder.data)).toEqual(["bob", "boss"]);

    const restored = await runExe(["restore", `${folder.data}\\before-bob.db`, ...data]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("the previous database is kept as");
    expect(await userNames(folder.data)).toEqual(["boss"]);
    expect(readdirSync(folder.dataLinux).some((f) => f.startsWith("5gfm.db.before-restore-"))).toBe(true);
  });

  test("a restore chosen in the console happens at the next start", async () => {
    using folder = windowsFolder();
    await runExe(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", "--data", folder.data]);
    const quiet = ["--backup-interval-minutes", "0", "--spare-instances", "0"];
    {
      await using gateway = await startWindowsServe(folder.data, quiet);
      const boss = new Visitor("127.0.0.1", gateway.url, { "hx-request": "true" });
      await boss.get("/");
      const name = /Backup written: (5gfm-[^.]+\.db)/.exec((await boss.post("/admin/backups", {})).body)?.[1];
      expect(name).toBeDefined();
      await runExe(["user", "add", "latecomer", "--role", "user", "--ip", "127.0.0.7", "--data", folder.data]);
      expect((await boss.post(`/admin/backups/${name}/restore`, {})).body).toContain("will be restored the next time the server starts");
    }
    await using again = await startWindowsServe(folder.data, quiet);
    expect(again.output()).toContain("restored a backup chosen in the console");
    expect(again.output()).not.toContain("failed");
    await again.stop();
    expect(await userNames(folder.data)).toEqual(["boss"]);
  });
});
