// `npm run build`: the Windows and Linux executables, each carrying every view, static asset,
// migration, the demo catalog and the right libsql native addon.
// Usage: bun build/build.ts [--target windows-x64|linux-x64]...   (default: both)
import type { BunPlugin } from "bun";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TOKEN_HEADER } from "../feature-app/instance-token";
import { readMigrationFolder } from "../src/db/migrations";
import { setExeIdentity } from "./exe-resources";
import { ICON_FILE } from "./icon/draw-icon";
import { signExe, signSettingsFromEnv } from "./sign-exe";

const ROOT = join(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
const CACHE = join(ROOT, "node_modules", ".cache", "5gfm-build");

const TARGETS = {
  "linux-x64": { bun: "bun-linux-x64", addon: "@libsql/linux-x64-gnu", outfile: "5gfm-linux-x64" },
  "windows-x64": { bun: "bun-windows-x64", addon: "@libsql/win32-x64-msvc", outfile: "5gfm-windows-x64.exe" },
} as const;
type TargetName = keyof typeof TARGETS;

const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
/** What Explorer, Task Manager, the firewall prompt and SmartScreen show for the Windows exe. */
const PRODUCT_NAME = "5G Feature Manager";
const COMPANY_NAME = "5G Feature Manager Project";
const libsqlVersion = (JSON.parse(readFileSync(join(ROOT, "node_modules", "libsql", "package.json"), "utf8")) as { version: string })
  .version;

function run(command: string[], cwd = ROOT): string {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed:\n${result.stderr.toString()}`);
  return result.stdout.toString().trim();
}

/** The addon for a target: from node_modules when installed there, else fetched with `npm pack`. */
function addonFile(pkg: string): string {
  const installed = join(ROOT, "node_modules", pkg, "index.node");
  if (existsSync(installed)) return installed;
  const folder = join(CACHE, `${pkg.replace("/", "-")}-${libsqlVersion}`);
  const file = join(folder, "package", "index.node");
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const tarball = run(["npm", "pack", `${pkg}@${libsqlVersion}`, "--silent", "--pack-destination", folder]).split("\n").at(-1)!;
    run(["tar", "-xzf", join(folder, tarball), "-C", folder]);
  }
  return file;
}

function libsqlAddonPlugin(addon: string): BunPlugin {
  const loader = join(ROOT, "src", "db", "native-addon.ts");
  const bytes = readFileSync(addon);
  const hash = Bun.hash(bytes).toString(16);
  return {
    name: "libsql-embedded-addon",
    setup(build) {
      build.onResolve({ filter: /^fgm:libsql-addon$/ }, () => ({ path: "libsql-addon", namespace: "fgm" }));
      build.onLoad({ filter: /.*/, namespace: "fgm" }, () => ({
        loader: "js",
        contents: [
          `import embedded from ${JSON.stringify(addon)} with { type: "file" };`,
          `import { materializeAddon } from ${JSON.stringify(loader)};`,
          `export default materializeAddon(embedded, ${JSON.stringify(packageJson.version)}, ${JSON.stringify(hash)}, ${bytes.length});`,
        ].join("\n"),
      }));
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
        const source = await Bun.file(args.path).text();
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this is libsql's source text, matched literally.
        const dynamicRequire = "return require(`@libsql/${target}`);";
        if (!source.includes(dynamicRequire)) throw new Error(`libsql ${libsqlVersion}: its addon loader changed; update build/build.ts`);
        return { loader: "js", contents: source.replace(dynamicRequire, 'return require(require("fgm:libsql-addon").default);') };
      });
    },
  };
}

async function buildTarget(name: TargetName, commit: string, outfile: string, bytecodeOrder: string | null): Promise<void> {
  const target = TARGETS[name];
  rmSync(outfile, { force: true });
  const migrations = readMigrationFolder(join(ROOT, "src", "db", "migrations"));
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src", "main.ts")],
    compile: { target: target.bun, outfile, autoloadDotenv: false, autoloadBunfig: false, bytecodeOrder },
    minify: true,
    // Bytecode instead of source: each feature-app process starts faster and keeps less memory.
    bytecode: true,
    format: "esm",
    sourcemap: "linked",
    plugins: [libsqlAddonPlugin(addonFile(target.addon))],
    define: {
      FGM_EMBEDDED_MIGRATIONS: JSON.stringify(migrations),
      FGM_BUILD: JSON.stringify({ commit, target: target.bun }),
    },
  });
  if (!result.success) throw new AggregateError(result.logs, `build for ${name} failed`);
  if (name === "windows-x64") {
    setExeIdentity(outfile, {
      productName: PRODUCT_NAME,
      fileDescription: PRODUCT_NAME,
      companyName: COMPANY_NAME,
      version: packageJson.version,
      originalFilename: "5gfm.exe",
      internalName: "5gfm",
      legalCopyright: `© ${COMPANY_NAME}`,
      icon: readFileSync(ICON_FILE),
    });
    // The place for Authenticode: last, since any later change to the file would void the signature.
    console.log(`${outfile}: ${signExe(outfile, signSettingsFromEnv(process.env), PRODUCT_NAME)}`);
  }
}

/**
 * Records which functions a feature-app instance runs from its start as a spare to its user's
 * first page. Built with that record, the executable keeps that bytecode together, so each
 * instance (one per user) maps about 4 MB fewer pages of it. The record is taken from a Linux
 * build and applies to the Windows one as well: the code is the same.
 */
async function recordInstanceStart(commit: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), "5gfm-build-"));
  const executable = join(folder, "5gfm");
  const order = join(CACHE, "instance-start.order");
  mkdirSync(CACHE, { recursive: true });
  rmSync(order, { force: true });
  await buildTarget("linux-x64", commit, executable, null);
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  const token = crypto.randomUUID().repeat(2);
  const env: Record<string, string> = { FGM_DATA: folder, FGM_INSTANCE_TOKEN: token, BUN_BYTECODE_ORDER_OUT: order };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("FGM_")) env[key] ??= value;
  const child = Bun.spawn([executable, "feature-app", "--port", String(port), "--exit-with-stdin"], { stdin: "pipe", stdout: "ignore", stderr: "pipe", env });
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { [TOKEN_HEADER]: token, "content-type": "application/json" } });
  try {
    const deadline = Date.now() + 15_000;
    while (!(await call("/app/_health").then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the instance did not start: ${await new Response(child.stderr).text()}`);
      await Bun.sleep(20);
    }
    const claim = await call("/app/_claim", { method: "POST", body: JSON.stringify({ user: "build", displayName: "Build", role: "user" }) });
    const page = await call("/app/");
    if (!claim.ok || !page.ok) throw new Error(`the instance answered ${claim.status} to its claim and ${page.status} to /app/`);
    await page.text();
  } finally {
    child.stdin.end();
    await child.exited;
    rmSync(folder, { recursive: true, force: true });
  }
  if (!existsSync(order)) throw new Error("the instance wrote no bytecode order");
  return order;
}

const { values } = parseArgs({ options: { target: { type: "string", multiple: true } }, strict: true });
const chosen = (values.target ?? Object.keys(TARGETS)) as TargetName[];
for (const name of chosen) if (!(name in TARGETS)) throw new Error(`unknown --target ${name} (expected ${Object.keys(TARGETS).join(", ")})`);
const commit = (() => {
  try {
    return run(["git", "rev-parse", "--short", "HEAD"]);
  } catch {
    return "unknown";
  }
})();
mkdirSync(DIST, { recursive: true });
const order = process.platform === "linux" && process.arch === "x64" ? await recordInstanceStart(commit) : null;
if (!order) console.log("not on Linux x64: the bytecode is laid out without a record of an instance's start");
for (const name of chosen) {
  const started = performance.now();
  const file = join(DIST, TARGETS[name].outfile);
  await buildTarget(name, commit, file, order);
  const mb = (statSync(file).size / 1024 / 1024).toFixed(1);
  console.log(`built ${file} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
for (const leftover of readdirSync(DIST).filter((f) => f.endsWith(".map"))) rmSync(join(DIST, leftover));
