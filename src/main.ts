// The one entry point: `bun src/main.ts …` in development and the compiled 5gfm executable.
import { runCli } from "./cli/run";

process.exitCode = await runCli(process.argv.slice(2));
