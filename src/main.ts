// The one entry point: `bun src/main.ts …` in development and the compiled 5gfm executable.
import { pressEnterToClose, startedByDoubleClick } from "./cli/double-click";
import { runCli } from "./cli/run";

const argv = process.argv.slice(2);
let code: number;
try {
  code = await runCli(argv);
} catch (error) {
  // Not one of our own clear messages: the trace is all there is to go on.
  console.error(error);
  code = 1;
}
if (code !== 0 && startedByDoubleClick(argv)) pressEnterToClose();
process.exitCode = code;
