import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors";

/** A command's behaviour; its name and one-line summary are in the table in run.ts. */
export interface Command {
  /** Full help text: synopsis and options. */
  usage: string;
  /** Resolves to the process exit code; long-running commands resolve when they stop. */
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  data: { type: "string" },
  config: { type: "string" },
  "database-url": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export const COMMON_USAGE = `  --data DIR            data folder (default: 5gfm-data beside the executable; ./data in development)
  --config FILE         config file (default: 5gfm.json in the data folder, if present)
  --database-url URL    a libSQL server (libsql://, http(s)://, ws(s)://) instead of the SQLite file
  -h, --help            show this help`;

/** node:util's parseArgs with its errors turned into one-line usage errors. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(oneLine((error as Error).message));
  }
}

function oneLine(message: string): string {
  // parseArgs appends advice about "--" that does not apply to our commands.
  return message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/, "").trim();
}
