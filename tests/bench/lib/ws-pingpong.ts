// WebSocket round trips: each socket sends {"type":"ping","id":N}, waits for the matching pong,
// and sends the next at once, for a fixed time. The feature app answers pings on /app/ws.

export interface PingPongResult {
  roundTripsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // Bun's WebSocket takes headers (the session cookie, Origin) as a second-argument option.
    const socket = new WebSocket(url, { headers } as unknown as string[]);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`WebSocket ${url} failed`));
  });
}

export async function pingPong(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<PingPongResult> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(url, headers)));
  const samples: number[] = [];
  let errors = 0;
  let measuring = false;
  let running = true;
  const loops = sockets.map(
    (socket) =>
      new Promise<void>((done) => {
        let id = 0;
        let sentAt = 0;
        const send = () => {
          if (!running) return done();
          sentAt = performance.now();
          socket.send(JSON.stringify({ type: "ping", id: ++id }));
        };
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; id?: number };
          // The app greets every new socket first; only the pong for our ping counts.
          if (message.type !== "pong") return;
          if (message.id !== id) errors++;
          if (measuring) samples.push(performance.now() - sentAt);
          send();
        };
        socket.onclose = () => {
          if (running) errors++;
          done();
        };
        send();
      }),
  );
  // One second of warm-up, then the measured window.
  await Bun.sleep(1000);
  measuring = true;
  const started = performance.now();
  await Bun.sleep(seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  await Promise.race([Promise.all(loops), Bun.sleep(5000)]);
  for (const socket of sockets) socket.close();
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? Number.NaN;
  return { roundTripsPerSecond: samples.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}
