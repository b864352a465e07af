// Migrations are the SQL files drizzle-kit writes to src/db/migrations. The build embeds them
// (see build/build.ts, which defines FGM_EMBEDDED_MIGRATIONS); in development they are read
// from the folder, so both paths apply exactly the same statements.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Migration {
  tag: string;
  /** drizzle-kit's journal timestamp; also the order and the "applied up to" marker. */
  when: number;
  hash: string;
  statements: string[];
}

declare const FGM_EMBEDDED_MIGRATIONS: Migration[] | undefined;

interface Journal {
  entries: { tag: string; when: number }[];
}

export function readMigrationFolder(folder: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  return journal.entries.map(({ tag, when }) => {
    const text = readFileSync(join(folder, `${tag}.sql`), "utf8");
    return {
      tag,
      when,
      hash: createHash("sha256").update(text).digest("hex"),
      statements: text
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  });
}

export function bundledMigrations(): Migration[] {
  return typeof FGM_EMBEDDED_MIGRATIONS !== "undefined"
    ? FGM_EMBEDDED_MIGRATIONS
    : readMigrationFolder(join(import.meta.dir, "migrations"));
}
