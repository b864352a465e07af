// The live connection at /app/ws over a real socket: greeting, ping → pong, errors, binary echo.
import { describe, expect, test } from "bun:test";
import { openSocket, startFeatureApp } from "./instance";

describe("feature-app WebSocket", () => {
  test("greets with the user and pid, answers ping with pong and bad messages with an error", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const { socket, next } = await openSocket(app);
    try {
      expect(JSON.parse((await next()) as string)).toEqual({ type: "hello", user: "alice", pid: app.child.pid });
      socket.send(JSON.stringify({ type: "ping", id: 7 }));
      expect(JSON.parse((await next()) as string)).toEqual({ type: "pong", id: 7 });
      for (const bad of ["not json", "{}", JSON.stringify({ type: "ping", id: "7" }), JSON.stringify({ type: "shout" }), "null"]) {
        socket.send(bad);
        const answer = JSON.parse((await next()) as string);
        expect(answer.type).toBe("error");
        expect(typeof answer.message).toBe("string");
      }
      socket.send(JSON.stringify({ type: "ping", id: 8 }));
      expect(JSON.parse((await next()) as string)).toEqual({ type: "pong", id: 8 });
    } finally {
      socket.close();
    }
  });

  test("binary messages come back unchanged, as binary", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const { socket, next } = await openSocket(app);
    try {
      await next(); // hello
      const payload = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
      socket.send(payload);
      const echo = await next();
      expect(echo).toBeInstanceOf(ArrayBuffer);
      expect(new Uint8Array(echo as ArrayBuffer)).toEqual(payload);
    } finally {
      socket.close();
    }
  });

  test("/app/_health counts open sockets", async () => {
    await using app = await startFeatureApp({ user: "alice" });
    const openCount = async () => (await (await fetch(`${app.url}/app/_health`, { headers: app.auth })).json()).openWebSockets;
    const first = await openSocket(app);
    const second = await openSocket(app);
    await Promise.all([first.next(), second.next()]);
    expect(await openCount()).toBe(2);
    first.socket.close();
    await first.closed;
    for (let i = 0; i < 100 && (await openCount()) !== 1; i++) await Bun.sleep(50);
    expect(await openCount()).toBe(1);
    second.socket.close();
  });

  test("on SIGTERM open sockets are closed with 1001 'instance stopping' and the process exits 0", async () => {
    await using app = await startFeatureApp({ user: "alice", args: ["--exit-with-stdin"], stdin: "pipe" });
    const { next, closed } = await openSocket(app);
    await next();
    app.child.kill("SIGTERM");
    expect(await closed).toEqual({ code: 1001, reason: "instance stopping" });
    expect(await app.child.exited).toBe(0);
  });
});
