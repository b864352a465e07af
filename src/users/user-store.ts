// Users and their IP rules: the only module that writes them, shared by the CLI and the console.
import { asc, eq, sql } from "drizzle-orm";
import * as v from "valibot";
import type { Database } from "../db/open";
import { auditLog, userIpRules, users } from "../db/schema";
import { PublicError } from "../errors";
import { type Address, type IpRule, formatRule, parseRule, ruleMatches, rulesOverlap } from "../net/ip";

export type Role = "admin" | "user";

export interface UserRecord {
  id: number;
  name: string;
  displayName: string;
  role: Role;
  enabled: boolean;
  hasPassword: boolean;
  requirePassword: boolean;
  ipRules: string[];
  createdAt: Date;
}

export const userNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a user name is 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit"),
);
export const roleSchema = v.picklist(["admin", "user"], 'the role must be "admin" or "user"');
export const passwordSchema = v.pipe(
  v.string(),
  v.minLength(8, "a password needs at least 8 characters"),
  v.maxLength(256, "a password may have at most 256 characters"),
);

function check<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new PublicError(result.issues[0].message, undefined, 400);
  return result.output;
}

function parseRules(inputs: string[]): IpRule[] {
  const rules = inputs.map((input) => {
    const parsed = parseRule(input);
    if (!parsed.ok) throw new PublicError(parsed.reason, undefined, 400);
    return parsed.rule;
  });
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      if (rulesOverlap(rules[i]!, rules[j]!)) {
        throw new PublicError(`${formatRule(rules[i]!)} and ${formatRule(rules[j]!)} overlap; give each address once`, undefined, 400);
      }
    }
  }
  return rules;
}

export interface NewUser {
  name: string;
  displayName?: string;
  role: Role;
  ips: string[];
  password?: string;
  enabled?: boolean;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  /** Replaces every rule. */
  ips?: string[];
  addIps?: string[];
  removeIps?: string[];
  password?: string;
  clearPassword?: boolean;
  enabled?: boolean;
}

export class UserStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<UserRecord[]> {
    const rows = await this.db.select().from(users).orderBy(asc(sql`lower(${users.name})`));
    const rules = await this.db.select().from(userIpRules).orderBy(asc(userIpRules.id));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      displayName: row.displayName,
      role: row.role,
      enabled: row.enabled,
      hasPassword: row.passwordHash !== null,
      requirePassword: row.requirePassword,
      ipRules: rules.filter((r) => r.userId === row.id).map((r) => r.rule),
      createdAt: row.createdAt,
    }));
  }

  async get(name: string): Promise<UserRecord | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await this.list()).find((u) => u.name.toLowerCase() === wanted);
  }

  async add(input: NewUser, actor: string): Promise<UserRecord> {
    const name = check(userNameSchema, input.name);
    const role = check(roleSchema, input.role);
    const rules = parseRules(input.ips);
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    await this.db.transaction(async (tx) => {
      const existing = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.name}) = lower(${name})`);
      if (existing.length > 0) throw new PublicError(`a user named "${name}" already exists`, undefined, 409);
      await assertRulesFree(tx, rules, undefined);
      const [created] = await tx
        .insert(users)
        .values({
          name,
          displayName: input.displayName?.trim() ?? "",
          role,
          passwordHash,
          // Admins must always present their password unless an admin turns that off explicitly.
          requirePassword: passwordHash !== null && role === "admin",
          enabled: input.enabled ?? true,
        })
        .returning({ id: users.id });
      if (rules.length > 0) {
        await tx.insert(userIpRules).values(rules.map((rule) => ({ userId: created!.id, rule: formatRule(rule) })));
      }
      await tx.insert(auditLog).values({
        actor,
        action: "user.add",
        target: name,
        detail: `role=${role} ips=${rules.map(formatRule).join(",")}`,
      });
    });
    return (await this.get(name))!;
  }

  async update(name: string, changes: UserChanges, actor: string): Promise<UserRecord> {
    const user = await this.get(name);
    if (!user) throw new PublicError(`no user named "${name}"`, undefined, 404);
    const role = changes.role === undefined ? undefined : check(roleSchema, changes.role);
    let finalRules = user.ipRules;
    if (changes.ips !== undefined) finalRules = changes.ips;
    if (changes.removeIps?.length) {
      const removing = parseRules(changes.removeIps).map(formatRule);
      for (const rule of removing) {
        if (!finalRules.includes(rule)) throw new PublicError(`${user.name} has no IP rule ${rule}`, undefined, 400);
      }
      finalRules = finalRules.filter((r) => !removing.includes(r));
    }
    if (changes.addIps?.length) finalRules = [...finalRules, ...changes.addIps];
    const rules = parseRules(finalRules);
    const passwordHash =
      changes.password !== undefined ? await hashPassword(changes.password) : changes.clearPassword ? null : undefined;
    await this.db.transaction(async (tx) => {
      await assertRulesFree(tx, rules, user.id);
      const values: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
      if (changes.displayName !== undefined) values.displayName = changes.displayName.trim();
      if (role !== undefined) values.role = role;
      if (changes.enabled !== undefined) values.enabled = changes.enabled;
      if (passwordHash !== undefined) {
        values.passwordHash = passwordHash;
        values.requirePassword = passwordHash !== null && (role ?? user.role) === "admin" ? true : passwordHash !== null && user.requirePassword;
      }
      await tx.update(users).set(values).where(eq(users.id, user.id));
      await tx.delete(userIpRules).where(eq(userIpRules.userId, user.id));
      if (rules.length > 0) {
        await tx.insert(userIpRules).values(rules.map((rule) => ({ userId: user.id, rule: formatRule(rule) })));
      }
      await tx.insert(auditLog).values({ actor, action: "user.update", target: user.name, detail: describeChanges(changes) });
    });
    return (await this.get(user.name))!;
  }

  async remove(name: string, actor: string): Promise<void> {
    const user = await this.get(name);
    if (!user) throw new PublicError(`no user named "${name}"`, undefined, 404);
    await this.db.transaction(async (tx) => {
      await tx.delete(users).where(eq(users.id, user.id));
      await tx.insert(auditLog).values({ actor, action: "user.remove", target: user.name });
    });
  }

  /** The user whose IP rules cover this address; rules never overlap, so there is at most one. */
  async findByAddress(address: Address): Promise<UserRecord | undefined> {
    for (const user of await this.list()) {
      for (const text of user.ipRules) {
        const parsed = parseRule(text);
        if (parsed.ok && ruleMatches(parsed.rule, address)) return user;
      }
    }
    return undefined;
  }
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** An address covered by two users' rules would make identity a coin toss, so it is refused on save. */
async function assertRulesFree(tx: Tx, rules: IpRule[], ownerId: number | undefined): Promise<void> {
  const taken = await tx
    .select({ rule: userIpRules.rule, userId: userIpRules.userId, name: users.name })
    .from(userIpRules)
    .innerJoin(users, eq(users.id, userIpRules.userId));
  for (const other of taken) {
    if (other.userId === ownerId) continue;
    const parsed = parseRule(other.rule);
    if (!parsed.ok) continue;
    for (const rule of rules) {
      if (rulesOverlap(rule, parsed.rule)) {
        throw new PublicError(`${formatRule(rule)} overlaps ${other.rule}, which belongs to ${other.name}`, undefined, 409);
      }
    }
  }
}

async function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(check(passwordSchema, password), { algorithm: "argon2id" });
}

function describeChanges(changes: UserChanges): string {
  return Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (key === "password" ? "password=changed" : `${key}=${Array.isArray(value) ? value.join(",") : value}`))
    .join(" ");
}
