// The console's settings in the database (table settings, one JSON value per key): read before
// the gateway starts (and by --print-config and doctor), written only by the console, each
// change audited in the same transaction as the change itself.
import type { Client } from "@libsql/client";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit";
import type { StoredValues } from "../config";
import type { Database } from "../db/open";
import { settings } from "../db/schema";

export interface StoredSetting {
  value: unknown;
  updatedAt: Date;
  updatedBy: string;
}

export type StoredSettings = Map<string, StoredSetting>;

/** Every stored setting; none while the table does not exist yet (a database before migration 0005). */
export async function readStoredSettings(client: Client): Promise<StoredSettings> {
  let rows: Awaited<ReturnType<Client["execute"]>>["rows"];
  try {
    rows = (await client.execute("SELECT key, value, updated_at, updated_by FROM settings")).rows;
  } catch (error) {
    if (/no such table/i.test(String(error))) return new Map();
    throw error;
  }
  return new Map(
    rows.map((row) => [
      String(row.key),
      { value: JSON.parse(String(row.value)), updatedAt: new Date(Number(row.updated_at)), updatedBy: String(row.updated_by) },
    ]),
  );
}

export function storedValues(stored: StoredSettings): StoredValues {
  return Object.fromEntries([...stored].map(([key, setting]) => [key, setting.value]));
}

export interface SettingWrite {
  key: string;
  /** The raw value to store (null = unset an optional setting); "remove" forgets the stored value. */
  value: unknown;
  remove?: boolean;
  /** For the audit trail: what changed, secrets already hidden. */
  detail: string;
}

/** All the writes of one form, or none. */
export async function writeStoredSettings(db: Database, writes: SettingWrite[], actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    for (const write of writes) {
      if (write.remove) {
        await tx.delete(settings).where(eq(settings.key, write.key));
      } else {
        const row = { value: JSON.stringify(write.value), updatedAt: new Date(), updatedBy: actor.name };
        await tx
          .insert(settings)
          .values({ key: write.key, ...row })
          .onConflictDoUpdate({ target: settings.key, set: row });
      }
      await recordAudit(tx, actor, write.remove ? "setting.reset" : "setting.change", write.key, write.detail);
    }
  });
}
