// `5gfm cert`: a self-signed certificate for this machine's names and addresses, for teams
// without a certificate authority. Browsers warn about it once; it still encrypts everything.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { generate } from "selfsigned";
import { PublicError, UsageError } from "../errors";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configFromArgs } from "./open-config";

const USAGE = `Usage: 5gfm cert [--name HOST …] [--days N] [--out DIR] [--force]

Makes a self-signed certificate (cert.pem) and its key (key.pem) for this machine: localhost,
its host name, every address of its network interfaces, the configured public host names and
any --name given. Then start the server with them:
  5gfm serve --tls-cert DIR/cert.pem --tls-key DIR/key.pem
or put "tlsCert" and "tlsKey" in 5gfm.json.

Options:
  --name HOST           another DNS name or address to include (repeatable)
  --days N              how long it is valid (default 825, the most browsers accept)
  --out DIR             where to write the files (default: tls/ in the data folder)
  --force               replace existing files
${COMMON_USAGE}`;

/** Every name and address this machine is reached by, as subjectAltName entries. */
export function machineNames(extra: string[]): { dns: string[]; ips: string[] } {
  const host = hostname().toLowerCase();
  const dns = new Set(["localhost", host, host.split(".")[0]!]);
  const ips = new Set(["127.0.0.1", "::1"]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (!address.address.startsWith("fe80")) ips.add(address.address);
  }
  for (const name of extra) (/^[\d.]+$|:/.test(name) ? ips : dns).add(name.toLowerCase());
  return { dns: [...dns].filter(Boolean), ips: [...ips] };
}

export const certCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...COMMON_OPTIONS, name: { type: "string", multiple: true }, days: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } },
      true,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const days = Number(values.days ?? 825);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`invalid --days '${values.days}' (expected 1 to 3650)`);
    const config = configFromArgs(values);
    const out = resolve(values.out ?? join(config.data, "tls"));
    const certPath = join(out, "cert.pem");
    const keyPath = join(out, "key.pem");
    if (!values.force && (existsSync(certPath) || existsSync(keyPath))) {
      throw new PublicError(`${certPath} or ${keyPath} already exists; use --force to replace them`, undefined, 400);
    }
    const { dns, ips } = machineNames([...(values.name ?? []), ...config.publicHosts]);
    const now = new Date();
    const made = await generate([{ name: "commonName", value: dns[1] ?? "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + days * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
      ],
    });
    mkdirSync(out, { recursive: true });
    writeFileSync(certPath, made.cert);
    writeFileSync(keyPath, made.private, { mode: 0o600 });
    console.log(`certificate: ${certPath}\nkey:         ${keyPath}\nvalid ${days} days for ${[...dns, ...ips].join(", ")}`);
    console.log(`start with: 5gfm serve --tls-cert "${certPath}" --tls-key "${keyPath}"`);
    return 0;
  },
};
