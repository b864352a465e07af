// The audit trail: who did what, from where, when. Written inside the same transaction as the
// change it records, so the trail never disagrees with the data.
import type { Database } from "./db/open";
import { auditLog } from "./db/schema";

export interface Actor {
  /** A user name, "cli" for the command line, or "anonymous". */
  name: string;
  /** The client address, or "cli". */
  address: string;
}

export const CLI_ACTOR: Actor = { name: "cli", address: "cli" };

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export async function recordAudit(
  db: Database | Tx,
  actor: Actor,
  action: string,
  target = "",
  detail = "",
): Promise<void> {
  await db.insert(auditLog).values({ actor: actor.name, address: actor.address, action, target, detail });
}
