// Console settings changed on another gateway sharing this database (or from the command line)
// reach this one without a restart: triggers bump settings_version on every change to the
// settings table, and this reads that one number every few seconds, reloading only when it moved.
import type { Client } from "@libsql/client";
import { createLogger } from "../log";
import type { LiveSettings } from "./live-settings";
import { readStoredSettings } from "./stored-settings";

const log = createLogger("settings");

/** How often the version is read: one indexed single-row read, so a few seconds costs nothing. */
export const SETTINGS_POLL_MS = 3000;

/** Starts following; returns the function that stops it. */
export function followSettingsChanges(live: LiveSettings, client: Client, intervalMs = SETTINGS_POLL_MS): () => void {
  // Unknown at first, so the first read also reloads: nothing changed between the start-up read and now goes unseen.
  let seen: number | undefined;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const version = Number((await client.execute("SELECT version FROM settings_version WHERE id = 1")).rows[0]?.version ?? 0);
      if (version !== seen) {
        live.replaceStored(await readStoredSettings(client));
        if (seen !== undefined) log.info("settings changed elsewhere; reloaded", { version });
        seen = version;
      }
    } catch (error) {
      log.warn("could not check for settings changed elsewhere", { error });
    } finally {
      checking = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
