// The floor under any Bun gateway: a bare fetch relay with the token added and nothing else (no
// identity, no header hygiene, no WebSocket). Run as its own process by the HTTP section:
//   bun bare-bun-proxy.ts PORT UPSTREAM_PORT TOKEN
const [port, upstreamPort, token] = process.argv.slice(2);
Bun.serve({
  port: Number(port),
  hostname: "127.0.0.1",
  fetch(request) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("x-fgm-token", token!);
    return fetch(`http://127.0.0.1:${upstreamPort}${url.pathname}${url.search}`, { method: request.method, headers, body: request.body });
  },
});
