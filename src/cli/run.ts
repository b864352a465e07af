import { COMMIT, VERSION } from "../build-info";
import { PublicError, UsageError } from "../errors";
import type { Command } from "./command";
import { useConsoleEncoding } from "./console-encoding";

const versionCommand: Command = {
  usage: "Usage: 5gfm version",
  async run(argv) {
    if (argv.length > 0) throw new UsageError(`unexpected argument '${argv[0]}'`);
    console.log(`5gfm ${VERSION} (${COMMIT}) bun ${Bun.version} ${process.platform}-${process.arch}`);
    return 0;
  },
};

/**
 * Every command, loaded only when it runs: a user's feature-app process then carries none of the
 * gateway's code (about 9 MB less in each of them).
 */
interface CommandEntry {
  name: string;
  summary: string;
  /** Internal commands are left out of the help. */
  internal?: boolean;
  load(): Promise<Command>;
}

const COMMANDS: CommandEntry[] = [
  { name: "serve", summary: "start the gateway (the default command)", load: async () => (await import("./serve-command")).serveCommand },
  { name: "user", summary: "add, list, change or remove users and their IP addresses", load: async () => (await import("./user-command")).userCommand },
  { name: "backup", summary: "write a consistent copy of the database (safe while the server runs)", load: async () => (await import("./backup-command")).backupCommand },
  { name: "restore", summary: "replace the database with a backup (checked first; the current one is kept aside)", load: async () => (await import("./backup-command")).restoreCommand },
  { name: "doctor", summary: "check the installation: data folder, database, ports, disk", load: async () => (await import("./doctor-command")).doctorCommand },
  { name: "service", summary: "run 5gfm as a service: start at boot, restart on failure", load: async () => (await import("./service-command")).serviceCommand },
  { name: "cert", summary: "make a self-signed HTTPS certificate for this machine", load: async () => (await import("./cert-command")).certCommand },
  { name: "version", summary: "print the version", load: async () => versionCommand },
  {
    name: "feature-app",
    summary: "run one user's feature app (internal; started by the gateway)",
    internal: true,
    load: async () => (await import("./feature-app-command")).featureAppCommand,
  },
];

export function mainUsage(): string {
  const lines = COMMANDS.filter((c) => !c.internal).map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return `5G Feature Manager ${VERSION}: a browser-based 5G feature catalog tool for a whole team.

Usage: 5gfm [command] [options]      (no command = serve, as when double-clicked)

Commands:
${lines.join("\n")}

Run "5gfm COMMAND --help" for a command's options.`;
}

/** Runs one command line and returns the exit code: 0 done, 1 failed, 2 bad usage. */
export async function runCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") return versionCommand.run([]);
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(mainUsage());
    return 0;
  }
  const explicit = first !== undefined && !first.startsWith("-");
  const entry = COMMANDS.find((c) => c.name === (explicit ? first : "serve"));
  if (!entry) {
    console.error(`5gfm: unknown command '${first}'\n\n${mainUsage()}`);
    return 2;
  }
  const args = explicit ? rest : argv;
  let command: Command | undefined;
  try {
    // Redirected output readable in the console's code page (console-encoding.ts); the gateway's and
    // the feature apps' output are logs, which stay UTF-8 like the log files.
    if (entry.name !== "serve" && entry.name !== "feature-app") await useConsoleEncoding();
    // Loading can fail too: the database addon is prepared when its module loads.
    command = await entry.load();
    if (args.includes("--help") || args.includes("-h")) {
      console.log(command.usage);
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`5gfm ${entry.name}: ${error.message}\n\n${command?.usage ?? ""}`);
      return 2;
    }
    if (error instanceof PublicError) {
      console.error(`5gfm ${entry.name}: ${error.message}`);
      // A bad value given on the command line is a usage error like a bad flag.
      return error.status === 400 ? 2 : 1;
    }
    throw error;
  }
}
