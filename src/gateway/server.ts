import type { Config } from "../config";
import type { OpenedDatabase } from "../db/open";
import { createLogger } from "../log";
import { createGatewayApp } from "./app";

const log = createLogger("gateway");

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function startGateway(config: Config, database: OpenedDatabase): RunningGateway {
  const app = createGatewayApp({ config, db: database.db, startedAt: Date.now() });
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: (request, server) => app.fetch(request, { server }),
  });
  const port = server.port ?? config.port;
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const url = `http://${wildcard ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host}:${port}/`;
  log.info("listening", { url, host: config.host, port, data: config.data, database: database.kind });
  return {
    url,
    port,
    async stop() {
      await server.stop();
    },
  };
}
