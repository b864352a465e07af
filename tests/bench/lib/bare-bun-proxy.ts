// The floor under any Bun gateway: a bare fetch relay with the token added and nothing else (no
// identity, no header hygiene), and a bare WebSocket relay (Bun.serve's websocket and a
// WebSocket client, no limits, no hooks). Run as its own process by the HTTP and WebSocket sections:
//   bun bare-bun-proxy.ts PORT UPSTREAM_PORT TOKEN
const [port, upstreamPort, token] = process.argv.slice(2);

interface Relay {
  upstream: WebSocket;
  /** What the app sent before the client's side was open. */
  early: (string | ArrayBuffer)[];
}

Bun.serve<Relay>({
  port: Number(port),
  hostname: "127.0.0.1",
  async fetch(request, server) {
    const url = new URL(request.url);
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const upstream = new WebSocket(`ws://127.0.0.1:${upstreamPort}${url.pathname}${url.search}`, {
        headers: { "x-fgm-token": token! },
      } as unknown as string[]);
      upstream.binaryType = "arraybuffer";
      const early: Relay["early"] = [];
      upstream.onmessage = (event) => early.push(event.data);
      await new Promise((resolve, reject) => {
        upstream.onopen = resolve;
        upstream.onerror = reject;
      });
      return server.upgrade(request, { data: { upstream, early } }) ? undefined : new Response("expected a WebSocket", { status: 400 });
    }
    const headers = new Headers(request.headers);
    headers.set("x-fgm-token", token!);
    return fetch(`http://127.0.0.1:${upstreamPort}${url.pathname}${url.search}`, { method: request.method, headers, body: request.body });
  },
  websocket: {
    open(ws) {
      const { upstream, early } = ws.data;
      for (const message of early) ws.send(message);
      upstream.onmessage = (event) => ws.send(event.data);
      upstream.onclose = () => ws.close();
    },
    message(ws, message) {
      ws.data.upstream.send(message);
    },
    close(ws) {
      ws.data.upstream.close();
    },
  },
});
