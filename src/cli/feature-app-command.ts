import * as v from "valibot";
import { type Assignment, assignmentSchema } from "../../feature-app/app";
import { MIN_TOKEN_LENGTH } from "../../feature-app/instance-token";
import { runFeatureApp } from "../../feature-app/main";
import { SETTINGS } from "../config";
import { UsageError } from "../errors";
import { type Command, parseCommandArgs } from "./command";

const USAGE = `Usage: 5gfm feature-app --port PORT [--user NAME]     (internal: started by the gateway)

Runs one user's feature app on 127.0.0.1:PORT. The gateway starts one per user and proxies to it;
it is not meant to be started by hand. Without --user it starts as a spare, which serves nobody
until the gateway assigns it a user (POST /app/_claim).

Options:
  --port PORT           127.0.0.1 port to listen on
  --user NAME           the user this instance serves
  --exit-with-stdin     exit when standard input closes: the gateway holds that pipe, so an
                        instance never outlives its gateway, even one that was killed hard
  -h, --help            show this help

Environment (set by the gateway):
  FGM_INSTANCE_TOKEN     required: the secret (at least ${MIN_TOKEN_LENGTH} characters) every request must carry
                         in the X-FGM-Token header; it is never on the command line, where others could read it
  FGM_USER_DISPLAY_NAME  the --user's display name
  FGM_USER_ROLE          the --user's role: admin or user (default user)
  FGM_ADMIN_PATH         where the gateway's admin console lives (default /admin), for an admin's link
  FGM_DATA, FGM_DATABASE_URL  where the gateway keeps its data
  FGM_IMPORT_UNPACK_MAX_MB   how far an uploaded XLSX may unpack before it is refused (default 100)
  FGM_GENERATION_KEEP    generated exports kept per feature set, besides pinned ones (default 20)`;

function assignmentFromEnv(user: string): Assignment {
  const parsed = v.safeParse(assignmentSchema, {
    user,
    displayName: process.env.FGM_USER_DISPLAY_NAME,
    role: process.env.FGM_USER_ROLE ?? "user",
  });
  if (!parsed.success) throw new UsageError(`invalid --user, FGM_USER_DISPLAY_NAME or FGM_USER_ROLE: ${parsed.issues[0].message}`);
  return parsed.output;
}

function generationKeepFromEnv(): number {
  const parsed = v.safeParse(SETTINGS.generationKeep.schema, process.env.FGM_GENERATION_KEEP ?? "20");
  if (!parsed.success) throw new UsageError(`invalid FGM_GENERATION_KEEP '${process.env.FGM_GENERATION_KEEP}' (expected ${SETTINGS.generationKeep.expected})`);
  return parsed.output as number;
}

export const featureAppCommand: Command = {
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
    const token = process.env.FGM_INSTANCE_TOKEN ?? "";
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new UsageError(`FGM_INSTANCE_TOKEN must hold the instance secret, at least ${MIN_TOKEN_LENGTH} characters`);
    }
    const unpackMb = Number(process.env.FGM_IMPORT_UNPACK_MAX_MB ?? "100");
    if (!Number.isInteger(unpackMb) || unpackMb < 1 || unpackMb > 1024) {
      throw new UsageError("FGM_IMPORT_UNPACK_MAX_MB must be an integer from 1 to 1024");
    }
    return runFeatureApp({
      importUnpackMaxBytes: unpackMb * 1024 * 1024,
      port,
      token,
      assignment: values.user === undefined ? undefined : assignmentFromEnv(values.user),
      exitWithStdin: values["exit-with-stdin"] === true,
      adminPath: process.env.FGM_ADMIN_PATH ?? "/admin",
      generationKeep: generationKeepFromEnv(),
    });
  },
};
