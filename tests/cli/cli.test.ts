import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS, type SettingSpec } from "../../src/config";
import { freePort, runCli, startServe } from "../helpers/cli";
import { tempDir } from "../helpers/temp-dir";

describe("command line", () => {
  test("--version and version print the version", async () => {
    const a = await runCli(["--version"]);
    const b = await runCli(["version"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^5gfm \d+\.\d+\.\d+ /);
    expect(b.stdout).toBe(a.stdout);
  });

  test("--help lists the commands; each command has its own --help", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const name of ["serve", "user", "backup", "restore", "doctor", "version"]) expect(help.stdout).toContain(name);
    for (const name of ["serve", "user", "backup", "restore", "doctor", "version", "feature-app"]) {
      const own = await runCli([name, "--help"]);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`5gfm ${name}`);
    }
  });

  test("serve --help names every setting's flag and environment variable", async () => {
    const help = (await runCli(["serve", "--help"])).stdout;
    for (const spec of Object.values(SETTINGS) as SettingSpec[]) {
      if (spec.flag) expect(help).toContain(`--${spec.flag}`);
      expect(help).toContain(spec.env);
    }
  });

  test.each([
    [["frobnicate"], "5gfm: unknown command 'frobnicate'"],
    [["serve", "--bogus"], "5gfm serve: Unknown option '--bogus'"],
    [["serve", "--port"], "5gfm serve: Option '--port <value>' argument missing"],
    [["serve", "--port", "99999", "--print-config"], "invalid setting port = \"99999\" (from --port)"],
    [["--port", "x"], "invalid setting port = \"x\" (from --port)"],
    [["user"], "missing action"],
    [["user", "explode", "x"], "unknown action 'explode'"],
    [["user", "add", "bob", "--ip", "127.0.0.9"], "missing --role"],
    [["user", "add", "bob", "--role", "boss", "--ip", "127.0.0.9"], "invalid --role 'boss'"],
    [["user", "list", "--role", "admin"], "option '--role' does not apply to 'user list'"],
    [["restore"], "missing the backup FILE"],
    [["feature-app", "--port", "nope"], "invalid --port 'nope'"],
  ])("%j exits 2 with one clear line and the usage", async (args, message) => {
    using dir = tempDir();
    const result = await runCli(args, { env: { FGM_DATA: join(dir.path, "d") } });
    expect(result.code).toBe(2);
    const firstLine = result.stderr.split("\n")[0]!;
    expect(firstLine).toContain(message);
    expect(result.stderr).toContain("Usage");
    expect(existsSync(join(dir.path, "d"))).toBe(false);
  });

  test("a bad environment value names the variable", async () => {
    using dir = tempDir();
    const result = await runCli(["serve", "--print-config", "--data", dir.path], { env: { FGM_APP_PORTS: "9000" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid setting appPorts = "9000" (from FGM_APP_PORTS): expected FROM-TO');
  });

  test("--print-config shows the merged settings", async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ port: 9001, logLevel: "debug" }));
    const result = await runCli(["serve", "--print-config", "--data", dir.path, "--no-open"], {
      env: { FGM_HOST: "127.0.0.1", FGM_DATABASE_AUTH_TOKEN: "sekrit" },
    });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ port: 9001, host: "127.0.0.1", logLevel: "debug", open: false, appPorts: "8500-8599" });
    expect(result.stdout).not.toContain("sekrit");
  });
});

describe("user management", () => {
  test("add, list, set, remove, with the audit trail and clear refusals", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    const added = await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", ...data]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("added alice (user) ips: 127.0.0.2");

    const admin = await runCli(
      ["user", "add", "root-admin", "--role", "admin", "--ip", "10.0.0.0/24", "--ip", "::1", "--password-stdin", ...data],
      { stdin: "correct horse battery\n" },
    );
    expect(admin.code).toBe(0);

    const list = await runCli(["user", "list", "--json", ...data]);
    const users = JSON.parse(list.stdout) as { name: string; role: string; ipRules: string[]; hasPassword: boolean; requirePassword: boolean }[];
    expect(users.map((u) => u.name)).toEqual(["alice", "root-admin"]);
    expect(users[1]).toMatchObject({ role: "admin", ipRules: ["10.0.0.0/24", "::1"], hasPassword: true, requirePassword: true });
    expect(list.stdout).not.toContain("argon2");

    const table = await runCli(["user", "list", ...data]);
    expect(table.stdout).toMatch(/alice\s+user\s+yes\s+-\s+127\.0\.0\.2/);

    const overlap = await runCli(["user", "add", "bob", "--role", "user", "--ip", "10.0.0.7", ...data]);
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toContain("10.0.0.7 overlaps 10.0.0.0/24, which belongs to root-admin");

    const duplicate = await runCli(["user", "add", "ALICE", "--role", "user", "--ip", "127.0.0.5", ...data]);
    expect(duplicate.stderr).toContain('a user named "ALICE" already exists');

    const badIp = await runCli(["user", "add", "carol", "--role", "user", "--ip", "10.1.1.1/16", ...data]);
    expect(badIp.code).toBe(2);
    expect(badIp.stderr).toContain("did you mean 10.1.0.0/16?");

    const shortPassword = await runCli(["user", "add", "dave", "--role", "user", "--ip", "127.0.0.8", "--password-stdin", ...data], {
      stdin: "short\n",
    });
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.stderr).toContain("at least 8 characters");

    const set = await runCli(["user", "set", "alice", "--add-ip", "127.0.0.3", "--disable", "--display-name", "Alice Kim", ...data]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("alice (user, disabled) ips: 127.0.0.2, 127.0.0.3");

    const unknown = await runCli(["user", "set", "zed", "--enable", ...data]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no user named "zed"');

    const relaxed = await runCli(["user", "set", "root-admin", "--no-require-password", ...data]);
    expect(relaxed.stdout).toContain("root-admin (admin, password set but not required)");
    const noPassword = await runCli(["user", "set", "alice", "--require-password", ...data]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain("a password is required to sign in, so one must be set");
    const cleared = await runCli(["user", "set", "root-admin", "--clear-password", ...data]);
    expect(cleared.stdout).toContain("root-admin (admin) ips");

    expect((await runCli(["user", "remove", "alice", ...data])).code).toBe(0);
    const after = JSON.parse((await runCli(["user", "list", "--json", ...data])).stdout) as { name: string }[];
    expect(after.map((u) => u.name)).toEqual(["root-admin"]);
  });
});

describe("a password set is a password asked for", () => {
  test("for a plain user too, given on add or on set, unless turned off explicitly; the CLI says which", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    const added = await runCli(["user", "add", "pat", "--role", "user", "--ip", "127.0.0.2", "--password-stdin", ...data], { stdin: "pat-password-1\n" });
    expect(added.stdout).toContain("added pat (user, password required)");
    await runCli(["user", "add", "sam", "--role", "user", "--ip", "127.0.0.3", ...data]);
    const set = await runCli(["user", "set", "sam", "--password-stdin", ...data], { stdin: "sam-password-1\n" });
    expect(set.stdout).toContain("updated sam (user, password required)");
    const off = await runCli(["user", "add", "lee", "--role", "user", "--ip", "127.0.0.4", "--password-stdin", "--no-require-password", ...data], {
      stdin: "lee-password-1\n",
    });
    expect(off.stdout).toContain("added lee (user, password set but not required)");
    const users = JSON.parse((await runCli(["user", "list", "--json", ...data])).stdout) as { name: string; requirePassword: boolean }[];
    expect(Object.fromEntries(users.map((u) => [u.name, u.requirePassword]))).toEqual({ pat: true, sam: true, lee: false });
    expect((await runCli(["user", "--help"])).stdout).toContain("A user who has a password (admin or not) must sign in");
  });
});

describe("serve", () => {
  test("answers /healthz, keeps data across a restart, and refuses a second gateway on the same folder", async () => {
    using dir = tempDir();
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    {
      await using gateway = await startServe(dir.path);
      const health = await (await fetch(`${gateway.url}/healthz`)).json();
      expect(health).toMatchObject({ status: "ok", version: expect.any(String) });
      const second = await runCli(["serve", "--data", dir.path, "--port", String(await freePort()), "--no-open"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("is already serving");
      // A database write while the gateway runs, read back after its restart.
      expect((await runCli(["user", "add", "bob", "--role", "user", "--ip", "127.0.0.4", "--data", dir.path])).code).toBe(0);
      expect(await gateway.stop()).toBe(0);
    }
    await using again = await startServe(dir.path);
    const names = JSON.parse((await runCli(["user", "list", "--json", "--data", dir.path])).stdout).map((u: { name: string }) => u.name);
    expect(names).toEqual(["alice", "bob"]);
    expect(again.output()).toContain("listening");
  });

  test("a port already in use gets a clear message", async () => {
    using dir = tempDir();
    const blocker = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response("x") });
    try {
      const result = await runCli(["serve", "--data", dir.path, "--port", String(blocker.port), "--no-open"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${blocker.port} is already in use`);
    } finally {
      blocker.stop(true);
    }
  });
});

describe("guards", () => {
  test("the last administrator cannot be removed, disabled, demoted or left without an address", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    await runCli(["user", "add", "boss", "--role", "admin", "--ip", "127.0.0.1", ...data]);
    for (const change of [["remove", "boss"], ["set", "boss", "--disable"], ["set", "boss", "--role", "user"], ["set", "boss", "--remove-ip", "127.0.0.1"]]) {
      const result = await runCli(["user", ...change, ...data]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("boss is the last administrator");
    }
    await runCli(["user", "add", "deputy", "--role", "admin", "--ip", "127.0.0.9", ...data]);
    expect((await runCli(["user", "set", "boss", "--role", "user", ...data])).code).toBe(0);
  });

  test("commands that only read or change what exists do not create a database at a mistyped --data", async () => {
    using dir = tempDir();
    const typo = join(dir.path, "tpyo");
    for (const args of [["user", "list"], ["user", "remove", "x"], ["backup", "--out", join(dir.path, "b.db")]]) {
      const result = await runCli([...args, "--data", typo]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("no 5gfm database in");
    }
    expect(existsSync(typo)).toBe(false);
  });

  test("a config file written with a byte-order mark is read", async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), `\uFEFF${JSON.stringify({ port: 9123 })}`);
    const result = await runCli(["serve", "--print-config", "--data", dir.path]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).port).toBe(9123);
  });
});

describe("backup and restore", () => {
  test("backup while serving, restore puts the old state back and keeps the current database aside", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", ...data]);
    const out = join(dir.path, "b.db");
    {
      await using _gateway = await startServe(dir.path);
      const backup = await runCli(["backup", "--out", out, ...data]);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain(`backup written to ${out}`);
      const refused = await runCli(["restore", out, ...data]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("stop it first");
    }
    await runCli(["user", "add", "bob", "--role", "user", "--ip", "127.0.0.3", ...data]);
    const restored = await runCli(["restore", out, ...data]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("the previous database is kept as");
    const names = JSON.parse((await runCli(["user", "list", "--json", ...data])).stdout).map((u: { name: string }) => u.name);
    expect(names).toEqual(["alice"]);
    expect(readdirSync(dir.path).some((f) => f.startsWith("5gfm.db.before-restore-"))).toBe(true);

    const again = await runCli(["backup", "--out", out, ...data]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });

  test("restore refuses the live database itself and leaves it in place", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", ...data]);
    const result = await runCli(["restore", join(dir.path, "5gfm.db"), ...data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is the live database itself");
    expect(JSON.parse((await runCli(["user", "list", "--json", ...data])).stdout)).toHaveLength(1);
  });

  test("restore refuses a file that is not a 5gfm database and changes nothing", async () => {
    using dir = tempDir();
    const data = ["--data", dir.path];
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", ...data]);
    const junk = join(dir.path, "junk.db");
    writeFileSync(junk, "this is not sqlite at all, just some text that is long enough to have a header".repeat(10));
    const result = await runCli(["restore", junk, ...data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a 5gfm database");
    const names = JSON.parse((await runCli(["user", "list", "--json", ...data])).stdout).map((u: { name: string }) => u.name);
    expect(names).toEqual(["alice"]);
  });
});

describe("doctor", () => {
  test("reports each check; on a missing folder it says so and creates nothing", async () => {
    using dir = tempDir();
    const missing = join(dir.path, "typo");
    const nothing = await runCli(["doctor", "--data", missing]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain("does not exist yet");
    expect(existsSync(missing)).toBe(false);
    await runCli(["user", "add", "alice", "--role", "user", "--ip", "127.0.0.2", "--data", dir.path]);
    const result = await runCli(["doctor", "--data", dir.path, "--port", String(await freePort())]);
    expect(result.stdout).toMatch(/^OK\s+data folder: .* is writable$/m);
    expect(result.stdout).toMatch(/^(OK|WARN)\s+schema: /m);
    expect(result.stdout).toMatch(/^OK\s+demo catalog: \d+ features embedded$/m);
    expect(result.code).toBe(0);
  });

  test("a bad setting is one FAIL line, not a usage error", async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ port: 70000 }));
    const result = await runCli(["doctor", "--data", dir.path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL settings: invalid setting port = 70000');
  });

  test("fails when the gateway port is taken by another program", async () => {
    using dir = tempDir();
    const blocker = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response("x") });
    try {
      const result = await runCli(["doctor", "--data", dir.path, "--port", String(blocker.port)]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^FAIL port ${blocker.port}: in use by another program`, "m"));
    } finally {
      blocker.stop(true);
    }
  });
});
