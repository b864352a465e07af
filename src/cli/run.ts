import { COMMIT, VERSION } from "../build-info";
import { PublicError, UsageError } from "../errors";
import { backupCommand, restoreCommand } from "./backup-command";
import type { Command } from "./command";
import { doctorCommand } from "./doctor-command";
import { featureAppCommand } from "./feature-app-command";
import { certCommand } from "./cert-command";
import { serveCommand } from "./serve-command";
import { serviceCommand } from "./service-command";
import { userCommand } from "./user-command";

const versionCommand: Command = {
  name: "version",
  summary: "print the version",
  usage: "Usage: 5gfm version",
  async run(argv) {
    if (argv.length > 0) throw new UsageError(`unexpected argument '${argv[0]}'`);
    console.log(`5gfm ${VERSION} (${COMMIT}) bun ${Bun.version} ${process.platform}-${process.arch}`);
    return 0;
  },
};

const COMMANDS: Command[] = [
  serveCommand,
  userCommand,
  backupCommand,
  restoreCommand,
  doctorCommand,
  serviceCommand,
  certCommand,
  versionCommand,
  featureAppCommand,
];

export function mainUsage(): string {
  const lines = COMMANDS.filter((c) => c !== featureAppCommand).map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
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
  const command = explicit ? COMMANDS.find((c) => c.name === first) : serveCommand;
  if (!command) {
    console.error(`5gfm: unknown command '${first}'\n\n${mainUsage()}`);
    return 2;
  }
  const args = explicit ? rest : argv;
  if (args.includes("--help") || args.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`5gfm ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof PublicError) {
      console.error(`5gfm ${command.name}: ${error.message}`);
      // A bad value given on the command line is a usage error like a bad flag.
      return error.status === 400 ? 2 : 1;
    }
    throw error;
  }
}
