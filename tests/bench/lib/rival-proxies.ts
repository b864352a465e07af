// The proxies people would put in front of per-user apps instead of 5gfm: nginx (Debian's
// package, one worker, keepalive to the upstream) and configurable-http-proxy (JupyterHub's, from
// npm). Both inject the instance token, as the feature app refuses any request without it.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TOKEN_HEADER } from "../../../feature-app/instance-token";
import { REPO, freePort } from "../../helpers/cli";
import { tempDir } from "../../helpers/temp-dir";
import { startChild, waitForHttp } from "./processes";
import type { Upstream } from "./gateway";

export interface RunningProxy {
  url: string;
  pid: number;
  [Symbol.asyncDispose](): Promise<void>;
}

export const CHP_VERSION = "5.3.0";
const CHP_DIR = join(REPO, "node_modules", ".cache", "5gfm-bench");

function nginxConfig(dir: string, port: number, upstream: Upstream): string {
  // Streaming both ways (no buffering to temp files), as 5gfm and configurable-http-proxy do.
  return `worker_processes 1;
${process.getuid?.() === 0 ? "user root;" : ""}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${upstream.port}; keepalive 64; }
  map $http_upgrade $connection_upgrade { default upgrade; "" ""; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header ${TOKEN_HEADER} "${upstream.token}";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
`;
}

export async function startNginx(upstream: Upstream): Promise<RunningProxy | undefined> {
  const binary = Bun.which("nginx") ?? (existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : undefined);
  if (!binary) return undefined;
  const dir = tempDir("5gfm-nginx-");
  const port = await freePort();
  const config = join(dir.path, "nginx.conf");
  writeFileSync(config, nginxConfig(dir.path, port, upstream));
  const child = startChild([binary, "-p", dir.path, "-c", config, "-g", "daemon off;"]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child);
  return {
    url,
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      await child.stop();
      dir[Symbol.dispose]();
    },
  };
}

/** configurable-http-proxy is no dependency of 5gfm: installed on first use into node_modules/.cache. */
function chpBinary(): string {
  const binary = join(CHP_DIR, "node_modules", ".bin", "configurable-http-proxy");
  if (existsSync(binary)) return binary;
  mkdirSync(CHP_DIR, { recursive: true });
  const installed = Bun.spawnSync(["npm", "install", "--no-save", "--prefix", CHP_DIR, `configurable-http-proxy@${CHP_VERSION}`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (installed.exitCode !== 0) throw new Error(`npm install configurable-http-proxy failed:\n${installed.stderr.toString()}`);
  return binary;
}

export async function startChp(upstream: Upstream): Promise<RunningProxy | undefined> {
  if (!Bun.which("node")) return undefined;
  const [port, apiPort] = [await freePort(), await freePort()];
  // --custom-header is CHP's own documented way to add a header to every proxied request and upgrade.
  const child = startChild([
    "node",
    chpBinary(),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--api-ip",
    "127.0.0.1",
    "--api-port",
    String(apiPort),
    "--default-target",
    `http://127.0.0.1:${upstream.port}`,
    "--custom-header",
    `${TOKEN_HEADER}:${upstream.token}`,
    "--log-level",
    "warn",
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child);
  return { url, pid: child.pid, [Symbol.asyncDispose]: () => child.stop() };
}
