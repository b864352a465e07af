// HTTPS from a PEM certificate: the real gateway over TLS, with a certificate made by openssl.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { freePort, runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

const OPENSSL = Bun.which("openssl");

function makeCertificate(dir: string, days: number): { cert: string; key: string } {
  const cert = join(dir, `cert-${days}.pem`);
  const key = join(dir, `key-${days}.pem`);
  const made = Bun.spawnSync([
    OPENSSL!, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", String(days),
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  if (made.exitCode !== 0) throw new Error(made.stderr.toString());
  return { cert, key };
}

describe.skipIf(!OPENSSL)("HTTPS", () => {
  test("serves over TLS with HSTS, redirects plain HTTP, refuses plain HTTP on the TLS port, and relays wss", async () => {
    using dir = tempDir();
    const { cert, key } = makeCertificate(dir.path, 365);
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    const redirectPort = await freePort();
    await using gateway = await startServe(
      dir.path,
      ["--tls-cert", cert, "--tls-key", key, "--http-redirect-port", String(redirectPort), "--spare-instances", "0"],
      {},
      "https",
    );
    const ca = await Bun.file(cert).text();
    const health = await fetch(`${gateway.url}/healthz`, { tls: { ca } });
    expect(health.status).toBe(200);
    const home = await fetch(`${gateway.url}/`, { tls: { ca }, redirect: "manual" });
    expect(home.headers.get("strict-transport-security")).toContain("max-age=");
    const cookie = home.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("Secure");

    await expect(fetch(`http://127.0.0.1:${gateway.port}/healthz`)).rejects.toThrow();

    const redirected = await fetch(`http://127.0.0.1:${redirectPort}/admin?x=1`, { redirect: "manual" });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get("location")).toBe(`https://127.0.0.1:${gateway.port}/admin?x=1`);

    // The app's own answers, relayed, carry HSTS too.
    const session = cookie.split(";")[0]!;
    let app: Response | undefined;
    for (let tries = 0; tries < 100 && app?.status !== 200; tries++) {
      if (tries > 0) await Bun.sleep(200);
      app = await fetch(`${gateway.url}/app/_health`, { tls: { ca }, headers: { cookie: session, accept: "application/json" } });
    }
    expect(app!.status).toBe(200);
    expect(app!.headers.get("strict-transport-security")).toContain("max-age=");

    const socket = new WebSocket(`wss://127.0.0.1:${gateway.port}/app/ws`, {
      headers: { cookie: cookie.split(";")[0]!, origin: gateway.url },
      tls: { ca },
    } as unknown as string[]);
    const hello = await new Promise<string>((resolve, reject) => {
      socket.onmessage = (event) => resolve(String(event.data));
      socket.onerror = () => reject(new Error("wss failed"));
    });
    expect(JSON.parse(hello)).toMatchObject({ type: "hello", user: "owner" });
    socket.send(JSON.stringify({ type: "ping", id: 7 }));
    const pong = await new Promise<string>((resolve) => {
      socket.onmessage = (event) => resolve(String(event.data));
    });
    expect(JSON.parse(pong)).toEqual({ type: "pong", id: 7 });
    socket.close();
  });

  test("a missing file, a key of another certificate and a lone --tls-cert are clear errors", async () => {
    using dir = tempDir();
    const first = makeCertificate(dir.path, 30);
    const second = makeCertificate(dir.path, 31);
    const cases: [string[], string][] = [
      [["--tls-cert", join(dir.path, "nope.pem"), "--tls-key", first.key], "cannot read --tls-cert"],
      [["--tls-cert", first.cert, "--tls-key", second.key], "is not the key of the certificate"],
      [["--tls-cert", first.cert], "invalid setting tlsKey"],
      [["--http-redirect-port", "8080"], "invalid setting httpRedirectPort"],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(["serve", "--data", dir.path, "--port", String(await freePort()), "--no-open", ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  test("5gfm cert makes a certificate for this machine that the gateway serves and a client trusts", async () => {
    using dir = tempDir();
    const made = await runCli(["cert", "--data", dir.path, "--days", "90"]);
    expect(made.code).toBe(0);
    const cert = join(dir.path, "tls", "cert.pem");
    const key = join(dir.path, "tls", "key.pem");
    const again = await runCli(["cert", "--data", dir.path]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("use --force to replace them");
    await using gateway = await startServe(dir.path, ["--tls-cert", cert, "--tls-key", key, "--spare-instances", "0"], {}, "https");
    const health = await fetch(`${gateway.url}/healthz`, { tls: { ca: await Bun.file(cert).text() } });
    expect(health.status).toBe(200);
    const viaName = await fetch(`https://localhost:${gateway.port}/healthz`, { tls: { ca: await Bun.file(cert).text() } });
    expect(viaName.status).toBe(200);
  });

  test("doctor warns about a certificate that expires within 30 days", async () => {
    using dir = tempDir();
    const soon = makeCertificate(dir.path, 10);
    await runCli(["user", "add", "owner", "--role", "admin", "--ip", "127.0.0.1", "--data", dir.path]);
    const result = await runCli(["doctor", "--data", dir.path, "--port", String(await freePort()), "--tls-cert", soon.cert, "--tls-key", soon.key]);
    expect(result.stdout).toMatch(/^WARN certificate: .* days left; renew it$/m);
  });
});
