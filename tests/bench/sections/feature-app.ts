// The feature app's own work at scale, through a real `5gfm feature-app` process and its HTTP API:
// importing a generated 10,000-feature catalog, resolving the prerequisites of a 5,000-feature
// set and opening its page, adding 50 features with one save, and generating (and keeping) one JSON
// document per site for 1,000 sites as a zip. Each figure is set
// against a baseline measured in the same run: sending the same bytes to the instance's diag
// upload (what any HTTP import must pay before doing anything).
import { randomBytes } from "node:crypto";
import { catalogToCsv } from "../../../feature-app/catalog/catalog-file";
import type { Feature } from "../../../feature-app/catalog/feature-schema";
import { freePort } from "../../helpers/cli";
import { tempDir } from "../../helpers/temp-dir";
import { type BenchOptions, type Cell, type Section, medianMs } from "../lib/section";

const RUNS = 3;

/** A catalog shaped like a real one: categories, releases, chains of prerequisites, typed parameters. */
export function generatedCatalog(count: number): Feature[] {
  const id = (i: number) => `GEN-${String(i).padStart(5, "0")}`;
  return Array.from({ length: count }, (_, i) => ({
    id: id(i),
    name: `Generated feature ${i}`,
    category: `Category ${i % 25}`,
    release: `Rel-${15 + (i % 4)}`,
    package: `SW ${22 + (i % 4)}A`,
    status: "active",
    description: "A generated feature for measuring the catalog at scale; its text is as long as a real one's. ".repeat(3),
    // Chains of up to ten: every feature but each tenth needs the one before it.
    requires: i % 10 === 0 ? [] : [id(i - 1)],
    conflicts: [],
    parameters: [
      { name: "enabled", type: "bool", default: true, description: "" },
      { name: "level", type: "int", min: 0, max: 100, default: 50, unit: "dB", description: "" },
      { name: "mode", type: "enum", allowed: ["auto", "manual", "off"], default: "auto", description: "" },
    ],
  }));
}

export async function startInstance(command: string[], data: string, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const token = randomBytes(32).toString("base64url");
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("FGM_"))) as Record<string, string>;
  // Only catalog editors import; the flag is read from the users table of the shared database.
  const added = Bun.spawnSync([...command, "user", "add", "bench", "--role", "user", "--catalog-editor", "--ip", "127.0.0.9", "--data", data], { env });
  if (added.exitCode !== 0) throw new Error(`adding the bench user failed: ${added.stderr.toString()}`);
  const child = Bun.spawn([...command, "feature-app", "--port", String(port), "--user", "bench"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
    env: { ...env, ...extraEnv, FGM_INSTANCE_TOKEN: token, FGM_DATA: data },
  });
  const url = `http://127.0.0.1:${port}`;
  const headers = { "X-FGM-Token": token };
  for (let tries = 0; ; tries++) {
    if ((await fetch(`${url}/app/_health`, { headers }).then((r) => r.ok, () => false))) break;
    if (tries > 400) throw new Error("the feature app did not start");
    await Bun.sleep(50);
  }
  const call = async (path: string, init: RequestInit = {}, expected = 200) => {
    const response = await fetch(`${url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== expected) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${new TextDecoder().decode(body.subarray(0, 300))}`);
    return body;
  };
  const stop = () => {
    child.kill();
    return child.exited;
  };
  return { call, stop, url, headers };
}

export const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { "content-type": "application/json" } });

export const featureAppSection: Section = {
  name: "feature-app",
  async run(options: BenchOptions) {
    const catalogSize = options.quick ? 2_000 : 10_000;
    const setSize = options.quick ? 1_000 : 5_000;
    const sites = options.quick ? 200 : 1_000;
    using dir = tempDir("5gfm-bench-app-");
    const app = await startInstance(options.command, dir.path);
    const rows: Cell[][] = [];
    try {
      const features = generatedCatalog(catalogSize);
      // Each run's file differs in one feature's name: a file identical to the current version adds none.
      const csvs = Array.from({ length: RUNS }, (_, run) =>
        new TextEncoder().encode(catalogToCsv(features.map((f, i) => (i === 0 && run > 0 ? { ...f, name: `${f.name} (run ${run + 1})` } : f)))),
      );
      const csv = csvs[0]!;
      let runs = 0;
      const form = () => {
        const body = new FormData();
        body.append("file", new File([csvs[runs++ % RUNS]!], "generated.csv", { type: "text/csv" }));
        return body;
      };
      const uploadMs = await medianMs(RUNS, async () => void (await app.call("/app/_diag/upload", { method: "POST", body: csv })));
      const importMs = await medianMs(RUNS, async () => void (await app.call("/app/api/catalog/import?confirm=true", { method: "POST", body: form() }, 201)));
      rows.push([`import a ${catalogSize.toLocaleString("en")}-feature CSV (${(csv.byteLength / 1e6).toFixed(1)} MB)`, Math.round(importMs), Math.round(uploadMs), `${(importMs / uploadMs).toFixed(1)}×`, "< 2,000 ms"]);

      // Every second feature chosen: with the chains, resolution pulls in most of the others.
      const chosen = features.filter((_, i) => i % 2 === 1).slice(0, setSize).map((f) => f.id);
      const created = JSON.parse(new TextDecoder().decode(await app.call("/app/api/feature-sets", { method: "POST", ...json({ name: "big", content: { features: chosen, values: {}, sites: [] } }) }, 201)));
      const resolveMs = await medianMs(RUNS, async () => void (await app.call(`/app/api/feature-sets/${created.id}`)));
      rows.push([`resolve a ${chosen.length.toLocaleString("en")}-feature set (read it with its prerequisites)`, Math.round(resolveMs), Math.round(uploadMs), `${(resolveMs / uploadMs).toFixed(1)}×`, "—"]);
      // The set page against the page of a 50-feature set (its first page shows as many features).
      const small = features.slice(0, 50).map((f) => f.id);
      const fifty = JSON.parse(new TextDecoder().decode(await app.call("/app/api/feature-sets", { method: "POST", ...json({ name: "fifty", content: { features: small, values: {}, sites: [] } }) }, 201)));
      let [pageBytes, smallBytes] = [0, 0];
      const smallMs = await medianMs(RUNS, async () => {
        smallBytes = (await app.call(`/app/sets/${fifty.id}`)).byteLength;
      });
      const pageMs = await medianMs(RUNS, async () => {
        pageBytes = (await app.call(`/app/sets/${created.id}`)).byteLength;
      });
      rows.push([
        `open that set's page (${(pageBytes / 1e6).toFixed(2)} MB of HTML; baseline: a 50-feature set's page, ${(smallBytes / 1e6).toFixed(2)} MB, ${(pageBytes / smallBytes).toFixed(1)}× its size)`,
        Math.round(pageMs),
        Math.round(smallMs),
        `${(pageMs / smallMs).toFixed(1)}×`,
        "< 2 MB, < 300 ms",
      ]);

      // Adding 50 features to a set: one addition and one save (the page's draft), against the old way, 50 saves of one.
      const posted = (fields: [string, string][]): RequestInit => ({ method: "POST", redirect: "manual", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded" } });
      const fresh = async (name: string) => JSON.parse(new TextDecoder().decode(await app.call("/app/api/feature-sets", { method: "POST", ...json({ name, content: { features: [] } }) }, 201)));
      const toAdd = features.filter((_, i) => i % 10 === 0).slice(0, 50).map((f) => f.id);
      const bulkMs = await medianMs(RUNS, async () => {
        const set = await fresh("bulk");
        await app.call(`/app/sets/${set.id}/features/add`, posted([["revision", "1"], ["ids", toAdd.join("\n")]]), 303);
        await app.call(`/app/sets/${set.id}/save`, posted([["revision", "1"], ["name", "bulk"], ["note", "50 features"]]), 303);
      });
      const oneByOneMs = await medianMs(RUNS, async () => {
        const set = await fresh("one by one");
        for (const [i, id] of toAdd.entries()) await app.call(`/app/api/feature-sets/${set.id}`, { method: "PUT", ...json({ revision: i + 1, add: [id] }) });
      });
      rows.push([`add 50 features and save once (one revision; baseline: 50 saves of one feature each)`, Math.round(bulkMs), Math.round(oneByOneMs), `${(bulkMs / oneByOneMs).toFixed(2)}×`, "—"]);

      const siteList = Array.from({ length: sites }, (_, i) => ({ name: `Site ${String(i).padStart(4, "0")}`, overrides: { [small[i % small.length]!]: { level: i % 100 } } }));
      const sited = JSON.parse(new TextDecoder().decode(await app.call("/app/api/feature-sets", { method: "POST", ...json({ name: "sites", content: { features: small, values: {}, sites: siteList } }) }, 201)));
      let zipBytes = 0;
      const exportMs = await medianMs(RUNS, async () => {
        zipBytes = (await app.call(`/app/api/feature-sets/${sited.id}/export?sites=all`, { method: "POST" })).byteLength;
      });
      rows.push([`generate and keep ${sites.toLocaleString("en")} sites × 50 features as a zip (${(zipBytes / 1e6).toFixed(1)} MB)`, Math.round(exportMs), Math.round(uploadMs), `${(exportMs / uploadMs).toFixed(1)}×`, "< 3,000 ms"]);
    } finally {
      await app.stop();
    }
    return {
      title: "Feature app at scale",
      notes: [
        `Median of ${RUNS} runs each, through a real feature-app process's HTTP API (the built executable unless --source).`,
        "Baseline, unless the row names its own: the same CSV bytes sent to the instance's diag upload, which reads and hashes them — the transport any import pays.",
        "The set page shows 100 features (and their value inputs) at a time, with a filter; the rest stay as they are.",
        "Each import is a whole new catalog version: parsed, checked (schema, duplicates, references, cycles) and written in one transaction.",
      ],
      columns: ["task", "ms", "baseline ms", "× baseline", "target"],
      rows,
    };
  },
};
