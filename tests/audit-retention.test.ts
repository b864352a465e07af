// Pruning the audit trail: entries older than the retention go, newer ones and "0 = keep all" stay.
import { expect, test } from "bun:test";
import { pruneAudit } from "../src/audit-retention";
import { openDatabase } from "../src/db/open";
import { query } from "./helpers/database";
import { tempDir } from "./helpers/temp-dir";

const DAY_MS = 24 * 60 * 60 * 1000;

test("entries older than the retention are removed; 0 keeps every entry", async () => {
  using dir = tempDir();
  const opened = await openDatabase({ dataDir: dir.path });
  try {
    const now = Date.now();
    for (const [action, age] of [
      ["old", 31],
      ["edge", 29],
      ["new", 1],
    ] as const) {
      await opened.client.execute({ sql: "INSERT INTO audit_log (created_at, actor, action) VALUES (?, 'cli', ?)", args: [now - age * DAY_MS, action] });
    }
    expect(await pruneAudit(opened.db, 0, now)).toBe(0);
    expect(await pruneAudit(opened.db, 30, now)).toBe(1);
    expect((await query(dir.path, "SELECT action FROM audit_log ORDER BY id")).map((r) => r.action)).toEqual(["edge", "new"]);
  } finally {
    opened.close();
  }
});
