// One process per user behind the gateway: real gateway, real child processes, real sockets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { type RunningServe, freePort, runCli, startServe } from "../helpers/cli";
import { instanceOf, isAlive, query, waitFor } from "../helpers/database";
import { Visitor, requestFrom } from "../helpers/http-from";
import { tempDir } from "../helpers/temp-dir";

async function addUsers(data: string, users: [string, string][]) {
  for (const [name, ip] of users) {
    const result = await runCli(["user", "add", name, "--role", "user", "--ip", ip, "--data", data]);
    if (result.code !== 0) throw new Error(result.stderr);
  }
}

/** The admin "owner" at 127.0.0.1 and these users, each at their address. */
async function addOwnerAndUsers(data: string, users: [string, string][]) {
  await addUsers(data, [["owner", "127.0.0.1"], ...users]);
  await runCli(["user", "set", "owner", "--role", "admin", "--data", data]);
}

/** A browser-like client at one address with a session, able to open WebSockets through the gateway. */
async function signedIn(address: string, url: string): Promise<Visitor> {
  const visitor = new Visitor(address, url);
  const response = await visitor.get("/");
  if (response.status !== 303) throw new Error(`expected a redirect into the app, got ${response.status}: ${response.body.slice(0, 300)}`);
  return visitor;
}

/** Bun's WebSocket client cannot pick its source address, so it carries the session of 127.0.0.1's user. */
function openSocket(url: string, cookie: string, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const origin = new URL(url).origin;
    const socket = new WebSocket(url.replace("http", "ws"), { headers: { cookie, origin }, protocols } as unknown as string[]);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("WebSocket failed"));
  });
}

function nextMessage(socket: WebSocket): Promise<string | ArrayBuffer> {
  return new Promise((resolve) => socket.addEventListener("message", (event) => resolve(event.data), { once: true }));
}

describe("per-user instances behind the gateway", () => {
  using dir = tempDir();
  let gateway: RunningServe;

  beforeAll(async () => {
    await addOwnerAndUsers(dir.path, [
      ["alice", "127.0.0.2"],
      ["bob", "127.0.0.4"],
      ["carol", "127.0.0.5"],
    ]);
    gateway = await startServe(dir.path, ["--spare-instances", "1", "--diagnostics"]);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  test("two users get two processes, each page naming its own user", async () => {
    const alice = await signedIn("127.0.0.2", gateway.url);
    const bob = await signedIn("127.0.0.4", gateway.url);
    const aliceHealth = JSON.parse((await alice.get("/app/_health")).body);
    const bobHealth = JSON.parse((await bob.get("/app/_health")).body);
    expect(aliceHealth.user).toBe("alice");
    expect(bobHealth.user).toBe("bob");
    expect(aliceHealth.pid).not.toBe(bobHealth.pid);
    const [a, b] = [await instanceOf(dir.path, "alice"), await instanceOf(dir.path, "bob")];
    expect(a.port).not.toBe(b.port);
    expect(a.pid).toBe(aliceHealth.pid);
    const alicePage = (await alice.get("/app/", { accept: "text/html" })).body;
    expect(alicePage).toContain("Signed in as alice");
    expect(alicePage).toContain('action="/logout"');
    expect(alicePage).not.toContain('href="/admin"');
    expect((await bob.get("/app/", { accept: "text/html" })).body).toContain("Signed in as bob");
  });

  test("twenty parallel first requests from one user start one process", async () => {
    const carol = await signedIn("127.0.0.5", gateway.url);
    const answers = await Promise.all(Array.from({ length: 20 }, () => carol.get("/app/_health")));
    const pids = new Set(answers.map((r) => JSON.parse(r.body).pid));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(pids.size).toBe(1);
    const starts = await query(dir.path, "SELECT s.kind FROM instance_starts s JOIN users u ON u.id = s.user_id WHERE u.name = 'carol'");
    expect(starts).toHaveLength(1);
  });

  test("a WebSocket opened by another site is refused, even for a user known by address alone", async () => {
    const alice = await signedIn("127.0.0.2", gateway.url);
    for (const origin of ["http://evil.example", undefined]) {
      const headers: Record<string, string> = {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        cookie: alice.cookieHeader(),
      };
      if (origin) headers.origin = origin;
      const refused = await requestFrom("127.0.0.2", `${gateway.url}/app/ws`, { headers });
      expect(refused.status).toBe(403);
    }
  });

  test("an instance's port refuses requests without the token", async () => {
    const { port } = await instanceOf(dir.path, "alice");
    const direct = await fetch(`http://127.0.0.1:${port}/app/_health`);
    expect(direct.status).toBe(401);
    const forged = await fetch(`http://127.0.0.1:${port}/app/_health`, { headers: { "x-fgm-token": "guess" } });
    expect(forged.status).toBe(401);
  });

  test("nothing in the request can reach another user's instance", async () => {
    const alice = await signedIn("127.0.0.2", gateway.url);
    const { port: bobPort } = await instanceOf(dir.path, "bob");
    for (const [path, headers] of [
      ["/app/_health", { "x-fgm-user": "bob", "x-forwarded-for": "127.0.0.4", host: `127.0.0.1:${bobPort}` }],
      [`/app/_health?port=${bobPort}&user=bob`, {}],
      ["/app/../app/_health", {}],
      ["/app/%2e%2e/app/_health", {}],
    ] as [string, Record<string, string>][]) {
      const response = await alice.get(path, headers);
      if (response.status === 200) expect(JSON.parse(response.body).user).toBe("alice");
      else expect(response.status).toBe(404);
    }
    const stolen = await requestFrom("127.0.0.4", `${gateway.url}/app/_health`, { headers: { cookie: alice.cookieHeader() } });
    expect(JSON.parse(stolen.body).user).toBe("bob");
  });

  test("the subprotocol the app chose and the close code it sent reach the browser through the relay", async () => {
    const owner = await signedIn("127.0.0.1", gateway.url);
    const socket = await openSocket(`${gateway.url}/app/ws`, owner.cookieHeader(), ["chat.other", "fgm.live.v1"]);
    expect(socket.protocol).toBe("fgm.live.v1");
    await nextMessage(socket); // hello
    const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve, { once: true }));
    socket.send(JSON.stringify({ type: "close", code: 4321, reason: "asked for" }));
    const event = await closed;
    expect([event.code, event.reason]).toEqual([4321, "asked for"]);
  });

  test("WebSocket ping/pong and binary messages pass through; 5 MB up and down arrive intact", async () => {
    const owner = await signedIn("127.0.0.1", gateway.url);
    const socket = await openSocket(`${gateway.url}/app/ws`, owner.cookieHeader());
    try {
      const hello = JSON.parse(String(await nextMessage(socket)));
      expect(hello).toMatchObject({ type: "hello", user: "owner" });
      socket.send(JSON.stringify({ type: "ping", id: 42 }));
      expect(JSON.parse(String(await nextMessage(socket)))).toEqual({ type: "pong", id: 42 });
      const bytes = crypto.getRandomValues(new Uint8Array(70_000));
      socket.send(bytes);
      expect(new Uint8Array((await nextMessage(socket)) as ArrayBuffer)).toEqual(bytes);
    } finally {
      socket.close();
    }

    const upload = crypto.getRandomValues(new Uint8Array(5 * 1024 * 1024).subarray(0, 65536));
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i += upload.length) big.set(upload.subarray(0, Math.min(upload.length, big.length - i)), i);
    const uploaded = await fetch(`${gateway.url}/app/_diag/upload`, {
      method: "POST",
      headers: { cookie: owner.cookieHeader(), origin: gateway.url, "content-type": "application/octet-stream" },
      body: big,
    });
    expect(await uploaded.json()).toEqual({ bytes: big.length, sha256: new Bun.CryptoHasher("sha256").update(big).digest("hex") });

    const downloaded = await fetch(`${gateway.url}/app/_diag/download?bytes=${5 * 1024 * 1024}`, { headers: { cookie: owner.cookieHeader() } });
    const body = new Uint8Array(await downloaded.arrayBuffer());
    expect(body.length).toBe(5 * 1024 * 1024);
    expect(new Bun.CryptoHasher("sha256").update(body).digest("hex")).toBe(downloaded.headers.get("x-content-sha256")!);
  });

  test("a killed instance comes back on the next request", async () => {
    const bob = await signedIn("127.0.0.4", gateway.url);
    const before = JSON.parse((await bob.get("/app/_health")).body).pid as number;
    process.kill(before, "SIGKILL");
    const after = await waitFor("bob's instance to come back", async () => {
      const response = await bob.get("/app/_health");
      if (response.status !== 200) return undefined;
      const pid = JSON.parse(response.body).pid as number;
      return pid !== before ? pid : undefined;
    });
    expect(isAlive(after)).toBe(true);
    expect((await instanceOf(dir.path, "bob")).restarts).toBe(1);
    expect((await bob.get("/app/", { accept: "text/html" })).body).toContain("bob");
  });

  test("stopping and restarting an instance from the console works and is in the audit trail", async () => {
    const owner = await signedIn("127.0.0.1", gateway.url);
    const carol = await signedIn("127.0.0.5", gateway.url);
    const before = JSON.parse((await carol.get("/app/_health")).body).pid as number;
    const id = Number((await query(dir.path, "SELECT id FROM users WHERE name = 'carol'"))[0]?.id);
    const restarted = await owner.post(`/admin/instances/${id}/restart`, {}, { "hx-request": "true" });
    expect(restarted.body).toContain("carol&#39;s feature app was restarted.");
    const after = JSON.parse((await carol.get("/app/_health")).body).pid as number;
    expect(after).not.toBe(before);
    expect((await instanceOf(dir.path, "carol")).restarts).toBe(1);
    const stopped = await owner.post(`/admin/instances/${id}/stop`, {}, { "hx-request": "true" });
    expect(stopped.body).toContain("carol&#39;s feature app was stopped.");
    await waitFor("carol's process to exit", () => !isAlive(after));
    const audit = await query(dir.path, "SELECT action FROM audit_log WHERE target = 'carol' AND action LIKE 'instance.%' ORDER BY id");
    expect(audit.map((r) => r.action)).toEqual(["instance.restart", "instance.stop"]);
  });

  test("an admin's page links to the console, which lists every instance and writes their logs", async () => {
    const owner = await signedIn("127.0.0.1", gateway.url);
    expect((await owner.get("/app/", { accept: "text/html" })).body).toContain('href="/admin"');
    const console = await owner.get("/admin");
    for (const name of ["alice", "bob", "carol", "owner"]) expect(console.body).toContain(`<td>${name}</td>`);
    expect(console.body).toContain("(spare)");
    const logs = readdirSync(`${dir.path}/logs/instances`);
    expect(logs.length).toBeGreaterThan(0);
  });
});

describe("limits, idleness and failure", () => {
  test("an idle instance is stopped after the idle time and starts again on the next visit", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, [["alice", "127.0.0.2"]]);
    await using gateway = await startServe(dir.path, ["--instance-idle-minutes", "0.05", "--spare-instances", "0"]);
    const alice = await signedIn("127.0.0.2", gateway.url);
    const first = JSON.parse((await alice.get("/app/_health")).body).pid as number;
    await waitFor("the idle instance to stop", async () => (await instanceOf(dir.path, "alice")).state === "stopped");
    await waitFor("its process to exit", () => !isAlive(first));
    const second = JSON.parse((await alice.get("/app/_health")).body).pid as number;
    expect(second).not.toBe(first);
  });

  test("a user disabled from the command line while the gateway runs loses their app within seconds", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, [["alice", "127.0.0.2"]]);
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const alice = await signedIn("127.0.0.2", gateway.url);
    const pid = JSON.parse((await alice.get("/app/_health")).body).pid as number;
    expect((await runCli(["user", "set", "alice", "--disable", "--data", dir.path])).code).toBe(0);
    await waitFor("alice's app to stop", async () => (await instanceOf(dir.path, "alice")).state === "stopped", 30_000);
    await waitFor("its process to exit", () => !isAlive(pid));
  });

  test("spares started together each get their own port and all become ready", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, []);
    await using _gateway = await startServe(dir.path, ["--spare-instances", "3", "--instance-start-concurrency", "3"]);
    const spares = await waitFor(
      "three ready spares",
      async () => {
        const rows = await query(dir.path, "SELECT port, pid, state FROM instance_records WHERE user_id IS NULL");
        return rows.length === 3 && rows.every((row) => row.state === "running") ? rows : undefined;
      },
      30_000,
    );
    expect(new Set(spares.map((row) => row.port)).size).toBe(3);
    expect(new Set(spares.map((row) => row.pid)).size).toBe(3);
  });

  test("past the instance limit a clear page says the server is busy", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, [["alice", "127.0.0.2"], ["bob", "127.0.0.4"]]);
    await using gateway = await startServe(dir.path, ["--max-instances", "1", "--spare-instances", "0"]);
    const alice = await signedIn("127.0.0.2", gateway.url);
    expect((await alice.get("/app/_health")).status).toBe(200);
    const bob = await signedIn("127.0.0.4", gateway.url);
    const busy = await bob.get("/app/", { accept: "text/html" });
    expect(busy.status).toBe(503);
    expect(busy.body).toContain("The server is busy");
  });

  test("repeated crashes mark the instance failed; the user can retry", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, [["alice", "127.0.0.2"]]);
    await using gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    const alice = await signedIn("127.0.0.2", gateway.url);
    let pid = JSON.parse((await alice.get("/app/_health")).body).pid as number;
    for (let crash = 1; crash <= 5; crash++) {
      process.kill(pid, "SIGKILL");
      if (crash === 5) break;
      pid = await waitFor(`restart after crash ${crash}`, async () => {
        const record = await instanceOf(dir.path, "alice");
        return record.state === "running" && record.pid !== pid ? record.pid! : undefined;
      }, 30_000);
    }
    await waitFor("the failed state", async () => (await instanceOf(dir.path, "alice")).state === "failed");
    const page = await alice.get("/app/", { accept: "text/html" });
    expect(page.status).toBe(503);
    expect(page.body).toContain("could not start");
    expect(page.body).toContain('action="/app/_retry"');
    const retried = await alice.post("/app/_retry", {});
    expect(retried.status).toBe(303);
    expect(JSON.parse((await alice.get("/app/_health")).body).user).toBe("alice");
  });

  test.skipIf(process.platform !== "linux")("a feature app recorded by a previous run is stopped at start", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, []);
    // A previous gateway's instance that did not die with it (as if its stdin were not a pipe).
    const port = await freePort();
    const leftover = Bun.spawn([process.execPath, `${import.meta.dir}/../../src/main.ts`, "feature-app", "--port", String(port), "--user", "owner"], {
      env: { ...process.env, FGM_INSTANCE_TOKEN: "x".repeat(43) },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "ignore",
    });
    await waitFor("the leftover to listen", async () => (await fetch(`http://127.0.0.1:${port}/app/_health`).catch(() => null))?.status === 401);
    await startServe(dir.path, ["--spare-instances", "0"]).then((g) => g.stop());
    await query(
      dir.path,
      "INSERT OR REPLACE INTO instance_records (key, user_id, port, pid, state, restarts, updated_at) VALUES ('user:1', 1, 1, ?, 'running', 0, 0)",
      [leftover.pid],
    );
    expect(isAlive(leftover.pid)).toBe(true);
    await using _gateway = await startServe(dir.path, ["--spare-instances", "0"]);
    await waitFor("the leftover to be stopped", () => leftover.exitCode !== null || leftover.signalCode !== null, 10_000);
    const [record] = await query(dir.path, "SELECT state, pid FROM instance_records WHERE key = 'user:1'");
    expect(record).toEqual({ state: "stopped", pid: null });
  });

  test("kill -9 of the gateway leaves no feature-app process alive 5 s later", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, [["alice", "127.0.0.2"]]);
    const gateway = await startServe(dir.path, ["--spare-instances", "1"]);
    const alice = await signedIn("127.0.0.2", gateway.url);
    await alice.get("/app/_health");
    const pids = await waitFor("two instances", async () => {
      const rows = await query(dir.path, "SELECT pid FROM instance_records WHERE pid IS NOT NULL AND state = 'running'");
      return rows.length >= 2 ? rows.map((r) => Number(r.pid)) : undefined;
    });
    gateway.child.kill("SIGKILL");
    await gateway.child.exited;
    await Bun.sleep(5000);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe("resources", () => {
  function openFds(pid: number): number {
    return readdirSync(`/proc/${pid}/fd`).length;
  }
  function rssBytes(pid: number): number {
    const line = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l: string) => l.startsWith("VmRSS:"));
    return Number(line.split(/\s+/)[1]) * 1024;
  }

  test.skipIf(process.platform !== "linux")("opening and closing 1,000 WebSockets leaves no sockets or memory behind", async () => {
    using dir = tempDir();
    await addOwnerAndUsers(dir.path, []);
    // Fifty at once from one user: more than a browser needs (the limit is tested in tests/security/limits.test.ts).
    await using gateway = await startServe(dir.path, ["--spare-instances", "0", "--max-websockets-per-user", "64"]);
    const owner = await signedIn("127.0.0.1", gateway.url);
    const cookie = owner.cookieHeader();
    const roundTrip = async () => {
      const socket = await openSocket(`${gateway.url}/app/ws`, cookie);
      await nextMessage(socket); // hello
      const closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
      socket.close();
      await closed;
    };
    // Warm up, so that one-time allocations do not count as a leak.
    for (let i = 0; i < 50; i++) await roundTrip();
    await Bun.sleep(500);
    const pid = gateway.child.pid;
    const [fdsBefore, rssBefore] = [openFds(pid), rssBytes(pid)];
    for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: 50 }, roundTrip));
    await waitFor("sockets to be released", () => openFds(pid) <= fdsBefore + 10, 10_000);
    const health = JSON.parse((await owner.get("/app/_health")).body);
    expect(health.openWebSockets).toBe(0);
    expect(rssBytes(pid) - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
