// Users and their IP rules: the only module that writes them, shared by the CLI, the setup page,
// access-request approvals and the console.
import { type SQL, and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import * as v from "valibot";
import { type Actor, type Tx, recordAudit } from "../audit";
import type { Database } from "../db/open";
import { sessions, userIpRules, users } from "../db/schema";
import { PublicError } from "../errors";
import { type MessageKey, type MessageParams, inEnglish, messageKey } from "../i18n/messages";
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
  /** May change the team's catalog (admins always may, whatever this says). */
  catalogEditor: boolean;
  ipRules: string[];
  createdAt: Date;
}

export const userNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    messageKey("user.error.name"),
  ),
);
export const roleSchema = v.picklist(["admin", "user"], messageKey("user.error.role"));
export const passwordSchema = v.pipe(
  v.string(),
  v.minLength(8, messageKey("user.error.passwordShort")),
  v.maxLength(256, messageKey("user.error.passwordLong")),
);
const displayNameSchema = v.pipe(v.string(), v.trim(), v.maxLength(100, messageKey("user.error.displayName")));

export type UserField = "name" | "displayName" | "role" | "addresses" | "password" | "requirePassword";


/** A refused value that belongs to one field of a user form, so the console can show it there. */
export class UserFieldError extends PublicError {
  constructor(
    readonly field: UserField,
    key: MessageKey,
    params?: MessageParams,
    status = 400,
  ) {
    super(inEnglish(key, params), undefined, status, key, params);
  }
}

function check<T>(field: UserField, schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new UserFieldError(field, result.issues[0].message as MessageKey);
  return result.output;
}

function parseRules(inputs: string[]): IpRule[] {
  const rules = inputs.map((input) => {
    const parsed = parseRule(input);
    if (!parsed.ok) throw new UserFieldError("addresses", parsed.key, parsed.params);
    return parsed.rule;
  });
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      if (rulesOverlap(rules[i]!, rules[j]!)) {
        throw new UserFieldError("addresses", "user.error.rulesOverlap", { first: formatRule(rules[i]!), second: formatRule(rules[j]!) });
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
  /** Defaults to true whenever a password is given, for every role: a password set is a password asked for. */
  requirePassword?: boolean;
  enabled?: boolean;
  catalogEditor?: boolean;
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
  requirePassword?: boolean;
  enabled?: boolean;
  catalogEditor?: boolean;
}

/** A new user checked and hashed outside any transaction (argon2 is slow on purpose). */
export interface PreparedUser {
  name: string;
  displayName: string;
  role: Role;
  rules: IpRule[];
  passwordHash: string | null;
  requirePassword: boolean;
  enabled: boolean;
  catalogEditor: boolean;
}

export async function prepareNewUser(input: NewUser): Promise<PreparedUser> {
  const name = check("name", userNameSchema, input.name);
  const role = check("role", roleSchema, input.role);
  const displayName = check("displayName", displayNameSchema, input.displayName ?? "");
  const rules = parseRules(input.ips);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  // A password that is not asked for would protect nothing: it is required unless turned off explicitly.
  const requirePassword = input.requirePassword ?? passwordHash !== null;
  if (requirePassword && passwordHash === null) {
    throw new UserFieldError("requirePassword", "user.error.passwordNeeded");
  }
  return { name, displayName, role, rules, passwordHash, requirePassword, enabled: input.enabled ?? true, catalogEditor: input.catalogEditor ?? false };
}

/** Inserts a prepared user inside the caller's transaction; returns the new id. */
export async function insertUser(tx: Tx, user: PreparedUser, actor: Actor): Promise<number> {
  const existing = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.name}) = lower(${user.name})`);
  if (existing.length > 0) throw new UserFieldError("name", "user.error.exists", { name: user.name }, 409);
  await assertRulesFree(tx, user.rules, undefined);
  const [created] = await tx
    .insert(users)
    .values({
      name: user.name,
      displayName: user.displayName,
      role: user.role,
      passwordHash: user.passwordHash,
      requirePassword: user.requirePassword,
      enabled: user.enabled,
      catalogEditor: user.catalogEditor,
    })
    .returning({ id: users.id });
  const id = created!.id;
  if (user.rules.length > 0) {
    await tx.insert(userIpRules).values(user.rules.map((rule) => ({ userId: id, rule: formatRule(rule) })));
  }
  await recordAudit(tx, actor, "user.add", user.name, `role=${user.role} ips=${user.rules.map(formatRule).join(",")}${user.catalogEditor ? " catalogEditor=true" : ""}`);
  return id;
}

export class UserStore {
  constructor(private readonly db: Database) {}

  /** Users matching `where` (all of them without it), with their rules, by name. */
  private async records(where?: SQL): Promise<UserRecord[]> {
    const rows = await this.db.select().from(users).where(where).orderBy(asc(sql`lower(${users.name})`));
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const rules = await this.db
      .select()
      .from(userIpRules)
      .where(where ? inArray(userIpRules.userId, ids) : undefined)
      .orderBy(asc(userIpRules.id));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      displayName: row.displayName,
      role: row.role,
      enabled: row.enabled,
      hasPassword: row.passwordHash !== null,
      requirePassword: row.requirePassword,
      catalogEditor: row.catalogEditor,
      ipRules: rules.filter((r) => r.userId === row.id).map((r) => r.rule),
      createdAt: row.createdAt,
    }));
  }

  list(): Promise<UserRecord[]> {
    return this.records();
  }

  async get(name: string): Promise<UserRecord | undefined> {
    return (await this.records(sql`lower(${users.name}) = ${name.trim().toLowerCase()}`))[0];
  }

  /** On every request with a session: one user and their rules, not the whole table. */
  async getById(id: number): Promise<UserRecord | undefined> {
    return (await this.records(eq(users.id, id)))[0];
  }

  async hasEnabledAdmin(): Promise<boolean> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.enabled, true)))
      .limit(1);
    return rows.length > 0;
  }

  async add(input: NewUser, actor: Actor): Promise<UserRecord> {
    const prepared = await prepareNewUser(input);
    const id = await this.db.transaction((tx) => insertUser(tx, prepared, actor));
    return (await this.getById(id))!;
  }

  /** The first-run admin; checked inside the transaction, so two setup forms at once make one admin. */
  async addFirstAdmin(input: Omit<NewUser, "role">, actor: Actor): Promise<UserRecord> {
    const prepared = await prepareNewUser({ ...input, role: "admin" });
    const id = await this.db.transaction(async (tx) => {
      const admins = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, "admin"), eq(users.enabled, true)))
        .limit(1);
      if (admins.length > 0) throw PublicError.of(409, "user.error.adminExists");
      return insertUser(tx, prepared, actor);
    });
    return (await this.getById(id))!;
  }

  /**
   * `keepSessionId`: the session the change was made in stays open when only the password
   * changed (an admin setting their own password is not signed out of the console by it).
   */
  async update(name: string, changes: UserChanges, actor: Actor, options: { keepSessionId?: number } = {}): Promise<UserRecord> {
    const user = await this.get(name);
    if (!user) throw PublicError.of(404, "user.error.unknown", { name });
    const role = changes.role === undefined ? undefined : check("role", roleSchema, changes.role);
    const displayName = changes.displayName === undefined ? undefined : check("displayName", displayNameSchema, changes.displayName);
    let ruleTexts = changes.ips ?? user.ipRules;
    if (changes.removeIps?.length) {
      const removing = parseRules(changes.removeIps).map(formatRule);
      for (const rule of removing) {
        if (!ruleTexts.includes(rule)) throw new UserFieldError("addresses", "user.error.noRule", { name: user.name, rule });
      }
      ruleTexts = ruleTexts.filter((r) => !removing.includes(r));
    }
    if (changes.addIps?.length) ruleTexts = [...ruleTexts, ...changes.addIps];
    const rules = parseRules(ruleTexts);
    const passwordHash =
      changes.password !== undefined ? await hashPassword(changes.password) : changes.clearPassword ? null : undefined;
    const willHavePassword = passwordHash === undefined ? user.hasPassword : passwordHash !== null;
    const finalRole = role ?? user.role;
    let requirePassword = changes.requirePassword ?? user.requirePassword;
    if (passwordHash === null) requirePassword = false;
    // A new password is asked for at sign-in (any role) unless this same change turns that off.
    else if (passwordHash !== undefined && changes.requirePassword === undefined) requirePassword = true;
    if (requirePassword && !willHavePassword) {
      throw new UserFieldError("requirePassword", "user.error.passwordNeeded");
    }
    const newRules = rules.map(formatRule);
    const staysUsableAdmin = finalRole === "admin" && (changes.enabled ?? user.enabled) && newRules.length > 0;
    if (user.role === "admin" && user.enabled && !staysUsableAdmin) await this.assertNotLastAdmin(user);
    // Anything that changes who may be this user ends their open sessions.
    const endSessions =
      changes.enabled === false ||
      passwordHash !== undefined ||
      newRules.join() !== user.ipRules.join() ||
      (role !== undefined && role !== user.role);

    await this.db.transaction(async (tx) => {
      await assertRulesFree(tx, rules, user.id);
      const values: Partial<typeof users.$inferInsert> = { updatedAt: new Date(), requirePassword };
      if (displayName !== undefined) values.displayName = displayName;
      if (role !== undefined) values.role = role;
      if (changes.enabled !== undefined) values.enabled = changes.enabled;
      if (changes.catalogEditor !== undefined) values.catalogEditor = changes.catalogEditor;
      if (passwordHash !== undefined) values.passwordHash = passwordHash;
      await tx.update(users).set(values).where(eq(users.id, user.id));
      await tx.delete(userIpRules).where(eq(userIpRules.userId, user.id));
      if (rules.length > 0) await tx.insert(userIpRules).values(newRules.map((rule) => ({ userId: user.id, rule })));
      if (endSessions) {
        const onlyPassword = passwordHash !== undefined && changes.enabled !== false && newRules.join() === user.ipRules.join() && (role ?? user.role) === user.role;
        const kept = onlyPassword && options.keepSessionId !== undefined ? ne(sessions.id, options.keepSessionId) : undefined;
        await tx
          .update(sessions)
          .set({ endedAt: new Date(), endReason: "account-changed" })
          .where(and(eq(sessions.userId, user.id), isNull(sessions.endedAt), kept));
      }
      await recordAudit(tx, actor, "user.update", user.name, describeChanges(changes));
    });
    return (await this.getById(user.id))!;
  }

  async remove(name: string, actor: Actor): Promise<void> {
    const user = await this.get(name);
    if (!user) throw PublicError.of(404, "user.error.unknown", { name });
    if (user.role === "admin" && user.enabled) await this.assertNotLastAdmin(user);
    await this.db.transaction(async (tx) => {
      await tx.delete(users).where(eq(users.id, user.id));
      await recordAudit(tx, actor, "user.remove", user.name);
    });
  }

  /** Without an enabled admin who can be recognised, nobody could run the server from its console. */
  private async assertNotLastAdmin(user: UserRecord): Promise<void> {
    const others = (await this.list()).filter((u) => u.id !== user.id && u.role === "admin" && u.enabled && u.ipRules.length > 0);
    if (others.length === 0) {
      throw PublicError.of(409, "user.error.lastAdmin", { name: user.name });
    }
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

  async verifyPassword(userId: number, password: string): Promise<boolean> {
    const [row] = await this.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId));
    if (!row?.hash) return false;
    return Bun.password.verify(password, row.hash);
  }
}

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
        throw new UserFieldError("addresses", "user.error.ruleTaken", { rule: formatRule(rule), other: other.rule, owner: other.name }, 409);
      }
    }
  }
}

async function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(check("password", passwordSchema, password), { algorithm: "argon2id" });
}

function describeChanges(changes: UserChanges): string {
  return Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) =>
      key === "password" ? "password=changed" : `${key}=${Array.isArray(value) ? value.join(",") : value}`,
    )
    .join(" ");
}
