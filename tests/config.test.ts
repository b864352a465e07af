import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, readConfigLayers, resolveConfig } from "../src/config";
import { tempDir } from "./helpers/temp-dir";

describe("loadConfig", () => {
  test("defaults", () => {
    using dir = tempDir();
    const config = loadConfig({ flags: { data: dir.path }, env: {} });
    expect(config.port).toBe(8000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.appPorts).toEqual({ first: 8500, last: 8599 });
    expect(config.open).toBe(true);
    expect(config.configFile).toBeUndefined();
  });

  test("flags beat the environment, which beats the config file in the data folder", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ port: 7001, host: "127.0.0.1", logLevel: "warn", open: false }));
    const config = loadConfig({
      flags: { data: dir.path, port: "7003" },
      env: { FGM_PORT: "7002", FGM_HOST: "::", FGM_OPEN: "yes" },
    });
    expect(config.port).toBe(7003);
    expect(config.host).toBe("::");
    expect(config.logLevel).toBe("warn");
    expect(config.open).toBe(true);
    expect(config.configFile).toBe(join(dir.path, "5gfm.json"));
  });

  test("values saved in the console beat the config file; flags and the environment beat them", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ sessionIdleMinutes: 20, alertWebhookUrl: "https://hooks.example/a", maxInstances: 7 }));
    const layers = readConfigLayers({ flags: { data: dir.path, port: "7003" }, env: { FGM_MAX_INSTANCES: "9" } });
    const { config, sources, ignored } = resolveConfig(layers, {
      sessionIdleMinutes: "45",
      alertWebhookUrl: null, // the console unset what the file sets
      maxInstances: 3,
      port: 7010,
      data: "/elsewhere", // never the console's to set
    });
    expect(config.sessionIdleMinutes).toBe(45);
    expect(sources.sessionIdleMinutes).toBe("console");
    expect(config.alertWebhookUrl).toBeUndefined();
    expect(config.maxInstances).toBe(9);
    expect(sources.maxInstances).toBe("environment");
    expect(config.port).toBe(7003);
    expect(config.data).toBe(dir.path);
    expect(ignored).toEqual([]);
  });

  test("a saved value that no longer fits is left out with the reason, instead of stopping the start", () => {
    using dir = tempDir();
    // Saved when the gateway was on 8000; now a flag moves it into the saved app-port range.
    const layers = readConfigLayers({ flags: { data: dir.path, port: "9050" }, env: {} });
    const { config, ignored } = resolveConfig(layers, { appPorts: "9000-9099", sessionMaxHours: 3 });
    expect(config.appPorts).toEqual({ first: 8500, last: 8599 });
    expect(config.sessionMaxHours).toBe(3);
    expect(ignored.map((i) => i.key)).toEqual(["appPorts"]);
    expect(ignored[0]!.reason).toContain("(from the admin console's settings)");
  });

  test("a saved value that breaks a rule between settings is the one left out, even when the rule names another", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ appPorts: "9000-9099" }));
    const layers = readConfigLayers({ flags: { data: dir.path }, env: {} });
    const { config, ignored } = resolveConfig(layers, { port: 9050, backupKeep: 3 });
    expect(config.port).toBe(8000);
    expect(config.backupKeep).toBe(3);
    expect(ignored.map((i) => i.key)).toEqual(["port"]);
    // Without any saved value to blame, a bad file is still an error.
    expect(() => resolveConfig(readConfigLayers({ flags: { data: dir.path, port: "9050" }, env: {} }), { backupKeep: 3 })).toThrow("invalid setting appPorts");
  });

  test("FGM_DATA chooses the data folder whose config file is read", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ appPorts: "9100-9199" }));
    const config = loadConfig({ flags: {}, env: { FGM_DATA: dir.path } });
    expect(config.data).toBe(dir.path);
    expect(config.appPorts).toEqual({ first: 9100, last: 9199 });
  });

  test.each([
    [{ flags: { port: "80000" } }, "invalid setting port = \"80000\" (from --port): expected an integer from 1 to 65535"],
    [{ flags: { port: "abc" } }, "invalid setting port = \"abc\" (from --port)"],
    [{ env: { FGM_PORT: "0" } }, "invalid setting port = \"0\" (from FGM_PORT)"],
    [{ flags: { host: "my host" } }, "invalid setting host"],
    [{ flags: { appPorts: "8600-8500" } }, "invalid setting appPorts = \"8600-8500\" (from --app-ports): expected FROM-TO"],
    [{ flags: { appPorts: "80-90" } }, "expected FROM-TO with 1024 <= FROM"],
    [{ flags: { port: "8550" } }, "invalid setting appPorts = \"8500-8599\" (from default)"],
    [{ flags: { appPorts: "7990-8010" } }, "and not including the gateway port"],
    [{ env: { FGM_DATABASE_URL: "postgres://x" } }, "invalid setting databaseUrl = \"postgres://x\" (from FGM_DATABASE_URL)"],
    [{ env: { FGM_OPEN: "maybe" } }, "invalid setting open = \"maybe\" (from FGM_OPEN): expected true or false"],
    [{ flags: { logLevel: "loud" } }, "expected one of debug, info, warn, error"],
  ])("%j is refused with a clear message", (input, message) => {
    using dir = tempDir();
    const run = () =>
      loadConfig({ flags: { data: dir.path, ...("flags" in input ? input.flags : {}) }, env: "env" in input ? input.env : {} });
    expect(run).toThrow(message);
  });

  test("config file problems name the file", () => {
    using dir = tempDir();
    const file = join(dir.path, "custom.json");
    writeFileSync(file, "{ port: 1 }");
    expect(() => loadConfig({ flags: { data: dir.path }, configFile: file, env: {} })).toThrow(`config file ${file} is not valid JSON`);
    writeFileSync(file, JSON.stringify({ prot: 8000 }));
    expect(() => loadConfig({ flags: { data: dir.path }, configFile: file, env: {} })).toThrow('unknown setting "prot"');
    writeFileSync(file, JSON.stringify({ port: "eighty" }));
    expect(() => loadConfig({ flags: { data: dir.path }, configFile: file, env: {} })).toThrow(`(from config file ${file})`);
    expect(() => loadConfig({ flags: { data: dir.path }, configFile: join(dir.path, "missing.json"), env: {} })).toThrow(
      "cannot read config file",
    );
  });

  test("the database auth token is never echoed", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "5gfm.json"), JSON.stringify({ databaseAuthToken: 12345 }));
    let message = "";
    try {
      loadConfig({ flags: { data: dir.path }, env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("invalid setting databaseAuthToken = (hidden)");
    expect(message).not.toContain("12345");
  });
});
