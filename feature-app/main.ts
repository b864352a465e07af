// One user's feature-app process. It binds 127.0.0.1 only: the gateway is its sole client.
import { createLogger } from "../src/log";
import { type FeatureAppOptions, createFeatureApp } from "./app";
import { CatalogStore } from "./catalog/catalog-store";
import { demoCatalog } from "./catalog/demo-catalog";
import { openFeatureDatabase } from "./db/connection";
import { DIAG_MAX_BYTES } from "./diag-routes";

const log = createLogger("feature-app");

/** The gateway kills an instance 5 s after asking it to stop; requests in flight get less than that. */
const STOP_GRACE_MS = 3000;

export interface RunOptions extends Omit<FeatureAppOptions, "db" | "catalog"> {
  port: number;
  exitWithStdin: boolean;
}

/** Resolves with the exit code once the process should end. */
export async function runFeatureApp(options: RunOptions): Promise<number> {
  const database = await openFeatureDatabase();
  const catalog = new CatalogStore(database.db);
  if (await catalog.seedIfEmpty(() => ({ ...demoCatalog(), source: "demo", format: "demo", importedBy: "5gfm" }))) {
    log.info("demo catalog loaded", { features: demoCatalog().features.length });
  }
  const app = createFeatureApp({ ...options, db: database.db, catalog });
  const server = Bun.serve({
    development: false,
    hostname: "127.0.0.1",
    port: options.port,
    // Bun's default limit (128 MiB) would cut the diag upload short; beyond this Bun answers 413 itself.
    maxRequestBodySize: DIAG_MAX_BYTES,
    // Only the gateway connects (127.0.0.1, with the token), and its proxy timeout decides how long
    // a request may take: Bun's default 10 s would drop a slow page (a large import's mapping) unanswered.
    idleTimeout: 0,
    fetch: app.fetch,
    websocket: app.websocket,
  });
  log.info("listening", { port: server.port, user: options.assignment?.user ?? "(spare)", pid: process.pid });
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (reason: string) => {
      if (stopping) return;
      stopping = true;
      log.info("stopping", { reason });
      app.closeSockets();
      const grace = new Promise((done) => setTimeout(done, STOP_GRACE_MS).unref());
      await Promise.race([server.stop(), grace]);
      await server.stop(true);
      database.close();
      // An open stdin pipe would keep the process alive after a signal.
      if (options.exitWithStdin) process.stdin.destroy();
      resolve(0);
    };
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
    // The gateway holds our stdin pipe; when it closes, the gateway is gone (even if killed hard).
    if (options.exitWithStdin) {
      process.stdin.on("end", () => void stop("parent gone (stdin closed)"));
      process.stdin.on("error", () => void stop("parent gone (stdin error)"));
      process.stdin.resume();
    }
  });
}
