// Requests for access left on the access-denied page, and the admin's one-click decisions.
import { and, count, desc, eq, ne } from "drizzle-orm";
import * as v from "valibot";
import { type Actor, recordAudit } from "../audit";
import type { Database } from "../db/open";
import { accessRequests } from "../db/schema";
import { PublicError } from "../errors";
import { type MessageKey, messageKey } from "../i18n/messages";
import { type Role, insertUser, prepareNewUser } from "../users/user-store";

export interface AccessRequest {
  id: number;
  address: string;
  name: string;
  reason: string;
  status: "pending" | "approved" | "rejected";
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

export const accessRequestSchema = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, messageKey("accessRequest.error.name")), v.maxLength(80, messageKey("accessRequest.error.nameLong"))),
  reason: v.pipe(v.string(), v.trim(), v.maxLength(500, messageKey("accessRequest.error.reasonLong"))),
});

/** Keeps a flood of requests from filling the database or the admin's screen. */
const MAX_PENDING = 200;

/**
 * A user name suggested from a person's name: "Kim Min-ji" → "kim.min-ji". A name with no Latin
 * letters (김민수) gives one from the address instead: "user-10-20-30-40".
 */
export function suggestUserName(name: string, address: string): string {
  const fromName = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, ".")
    .replace(/[^a-z0-9._-]/g, "")
    .replace(/^[._-]+/, "")
    .slice(0, 64);
  return fromName || `user-${address.replace(/[^0-9a-f]+/gi, "-")}`.slice(0, 64);
}

export class AccessRequestStore {
  constructor(private readonly db: Database) {}

  async pendingFor(address: string): Promise<AccessRequest | undefined> {
    const [row] = await this.db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.address, address), eq(accessRequests.status, "pending")))
      .limit(1);
    return row;
  }

  /** The newest decided request from this address, to tell a rejected visitor so. */
  async latestDecided(address: string): Promise<AccessRequest | undefined> {
    const [row] = await this.db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.address, address), ne(accessRequests.status, "pending")))
      .orderBy(desc(accessRequests.id))
      .limit(1);
    return row;
  }

  /** How many requests wait for a decision (the console menu's badge). */
  async countPending(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(accessRequests).where(eq(accessRequests.status, "pending"));
    return row?.n ?? 0;
  }

  async listPending(): Promise<AccessRequest[]> {
    return this.db.select().from(accessRequests).where(eq(accessRequests.status, "pending")).orderBy(desc(accessRequests.createdAt));
  }

  /** Files a request from an unregistered address; a second one from the same address replaces the text of the first. */
  async submit(address: string, input: unknown): Promise<AccessRequest> {
    const parsed = v.safeParse(accessRequestSchema, input);
    if (!parsed.success) throw PublicError.of(400, parsed.issues[0].message as MessageKey);
    const { name, reason } = parsed.output;
    const actor: Actor = { name: "anonymous", address };
    return this.db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(accessRequests)
        .where(and(eq(accessRequests.address, address), eq(accessRequests.status, "pending")));
      if (existing) {
        const [updated] = await tx.update(accessRequests).set({ name, reason }).where(eq(accessRequests.id, existing.id)).returning();
        return updated!;
      }
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(accessRequests).where(eq(accessRequests.status, "pending"));
      if (n >= MAX_PENDING) throw PublicError.of(429, "accessRequest.error.tooMany");
      const [created] = await tx.insert(accessRequests).values({ address, name, reason }).returning();
      await recordAudit(tx, actor, "access-request.submit", name, `request=${created!.id}`);
      return created!;
    });
  }

  /** Creates the user with the request's address, in one transaction with the decision. */
  async approve(id: number, choice: { userName: string; role: Role; displayName?: string }, actor: Actor): Promise<void> {
    const request = await this.pending(id);
    const prepared = await prepareNewUser({
      name: choice.userName,
      role: choice.role,
      displayName: choice.displayName ?? request.name,
      ips: [request.address],
    });
    await this.db.transaction(async (tx) => {
      const userId = await insertUser(tx, prepared, actor);
      await tx
        .update(accessRequests)
        .set({ status: "approved", decidedAt: new Date(), decidedBy: actor.name, userId })
        .where(eq(accessRequests.id, id));
      await recordAudit(tx, actor, "access-request.approve", prepared.name, `request=${id} address=${request.address}`);
    });
  }

  async reject(id: number, actor: Actor): Promise<void> {
    const request = await this.pending(id);
    await this.db.transaction(async (tx) => {
      await tx
        .update(accessRequests)
        .set({ status: "rejected", decidedAt: new Date(), decidedBy: actor.name })
        .where(eq(accessRequests.id, id));
      await recordAudit(tx, actor, "access-request.reject", request.name, `request=${id} address=${request.address}`);
    });
  }

  private async pending(id: number): Promise<AccessRequest> {
    const [request] = await this.db.select().from(accessRequests).where(eq(accessRequests.id, id));
    if (!request) throw PublicError.of(404, "accessRequest.error.unknown");
    if (request.status !== "pending") throw PublicError.of(409, "accessRequest.error.done", { status: request.status });
    return request;
  }
}
