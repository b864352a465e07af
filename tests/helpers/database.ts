import { createClient } from "@libsql/client";
import { join } from "node:path";

/** Reads the gateway's database file directly, as an administrator with sqlite3 would. */
export async function query(dataDir: string, sql: string, args: (string | number)[] = []): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${join(dataDir, "5gfm.db")}` });
  try {
    const result = await client.execute({ sql, args });
    return result.rows.map((row) => ({ ...row }));
  } finally {
    client.close();
  }
}

export async function instanceOf(dataDir: string, userName: string): Promise<{ port: number; pid: number | null; state: string; restarts: number }> {
  const [row] = await query(
    dataDir,
    "SELECT r.port, r.pid, r.state, r.restarts FROM instance_records r JOIN users u ON u.id = r.user_id WHERE u.name = ?",
    [userName],
  );
  if (!row) throw new Error(`no instance recorded for ${userName}`);
  return { port: Number(row.port), pid: row.pid === null ? null : Number(row.pid), state: String(row.state), restarts: Number(row.restarts) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}
