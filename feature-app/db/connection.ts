// The feature app opens the gateway's own database (FGM_DATA or FGM_DATABASE_URL, passed down by
// the gateway) with the feature tables' schema. Migrations are the gateway's; applying them here
// too is a no-op behind a gateway and lets a feature app started alone (tests) find its tables.
import { drizzle } from "drizzle-orm/libsql";
import { defaultDataDir } from "../../src/config";
import { openDatabase } from "../../src/db/open";
import * as schema from "./schema";

export type FeatureDatabase = ReturnType<typeof drizzle<typeof schema>>;

export interface FeatureDatabaseHandle {
  db: FeatureDatabase;
  close(): void;
}

export async function openFeatureDatabase(env: Record<string, string | undefined> = process.env): Promise<FeatureDatabaseHandle> {
  const opened = await openDatabase({
    dataDir: env.FGM_DATA || defaultDataDir(),
    databaseUrl: env.FGM_DATABASE_URL || undefined,
    authToken: env.FGM_DATABASE_AUTH_TOKEN || undefined,
  });
  return { db: drizzle(opened.client, { schema }), close: opened.close };
}
