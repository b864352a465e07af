import { runFeatureApp } from "../../feature-app/main";
import { UsageError } from "../errors";
import { type Command, parseCommandArgs } from "./command";

const USAGE = `Usage: 5gfm feature-app --port PORT [--user NAME]     (internal: started by the gateway)

Runs one user's feature app on 127.0.0.1:PORT. The gateway starts one per user and proxies to it;
it is not meant to be started by hand.

Options:
  --port PORT           127.0.0.1 port to listen on
  --user NAME           the user this instance serves
  --exit-with-stdin     exit when standard input closes: the gateway holds that pipe, so an
                        instance never outlives its gateway, even one that was killed hard
  -h, --help            show this help`;

export const featureAppCommand: Command = {
  name: "feature-app",
  summary: "run one user's feature app (internal; started by the gateway)",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: "string" },
      user: { type: "string" },
      "exit-with-stdin": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const port = Number(values.port);
    if (!values.port || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(`invalid --port '${values.port ?? ""}' (expected an integer from 1 to 65535)`);
    }
    return runFeatureApp({ port, user: values.user ?? "", exitWithStdin: values["exit-with-stdin"] === true });
  },
};
