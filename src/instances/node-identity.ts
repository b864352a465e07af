// Which gateway this is, for gateways sharing one database: a random id generated once and kept
// in the data folder (so it survives restarts and renames of the machine, and two gateways on
// one machine with two data folders are two nodes), plus the host name for people to read.
import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { PublicError } from "../errors";

export interface NodeIdentity {
  id: string;
  name: string;
}

export const NODE_ID_FILE = "node-id";
const ID_PATTERN = /^[0-9a-f-]{36}$/;

/** This data folder's node id, created on first use. */
export function nodeIdentity(dataDir: string): NodeIdentity {
  const file = join(dataDir, NODE_ID_FILE);
  let id: string | undefined;
  try {
    id = readFileSync(file, "utf8").trim();
  } catch {
    // not created yet
  }
  if (!id || !ID_PATTERN.test(id)) {
    id = randomUUID();
    try {
      // Written aside, then renamed: a crash never leaves a half-written id behind.
      writeFileSync(`${file}.tmp`, `${id}\n`);
      renameSync(`${file}.tmp`, file);
    } catch (cause) {
      throw new PublicError(`cannot write the gateway's node id to ${file}: ${(cause as Error).message}`, cause);
    }
  }
  return { id, name: hostname() };
}
