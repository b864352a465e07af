import { CLI_ACTOR } from "../audit";
import { UsageError } from "../errors";
import { type UserRecord, UserStore } from "../users/user-store";
import { COMMON_OPTIONS, COMMON_USAGE, type Command, parseCommandArgs } from "./command";
import { configFromArgs, openConfiguredDatabase } from "./open-config";

const USAGE = `Usage:
  5gfm user add NAME --role admin|user --ip ADDRESS_OR_CIDR [--ip …] [--display-name TEXT]
                     [--password-stdin] [--require-password | --no-require-password] [--disable]
                     [--catalog-editor]
  5gfm user list [--json]
  5gfm user set NAME [--role admin|user] [--ip …] [--add-ip …] [--remove-ip …] [--display-name TEXT]
                     [--password-stdin | --clear-password] [--require-password | --no-require-password]
                     [--enable | --disable] [--catalog-editor | --no-catalog-editor]
  5gfm user remove NAME

Users are recognised by the address their browser connects from. --ip takes an IPv4 or IPv6
address or a CIDR range (10.20.0.0/16) and may be repeated; no address may belong to two users.
--password-stdin reads the password from standard input (first line), so it never appears in
the process list or shell history. A user who has a password (admin or not) must sign in with
it besides coming from their address, unless --no-require-password turns that off explicitly.
On "set", --ip replaces every rule. Changing addresses, role or password, or disabling a user,
ends their open sessions. --catalog-editor lets a user import the team's catalog and make an
older version current (admins always may); the change applies at once, without a restart.

Options:
${COMMON_USAGE}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  role: { type: "string" },
  ip: { type: "string", multiple: true },
  "add-ip": { type: "string", multiple: true },
  "remove-ip": { type: "string", multiple: true },
  "display-name": { type: "string" },
  "password-stdin": { type: "boolean" },
  "clear-password": { type: "boolean" },
  "require-password": { type: "boolean" },
  "no-require-password": { type: "boolean" },
  disable: { type: "boolean" },
  enable: { type: "boolean" },
  "catalog-editor": { type: "boolean" },
  "no-catalog-editor": { type: "boolean" },
  json: { type: "boolean" },
} as const;

const ALLOWED: Record<string, string[]> = {
  add: ["role", "ip", "display-name", "password-stdin", "require-password", "no-require-password", "disable", "catalog-editor"],
  list: ["json"],
  set: [
    "role",
    "ip",
    "add-ip",
    "remove-ip",
    "display-name",
    "password-stdin",
    "clear-password",
    "require-password",
    "no-require-password",
    "disable",
    "enable",
    "catalog-editor",
    "no-catalog-editor",
  ],
  remove: [],
};

export const userCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    const [action, name, ...extra] = positionals;
    if (!action) throw new UsageError("missing action: add, list, set or remove");
    const allowed = ALLOWED[action];
    if (!allowed) throw new UsageError(`unknown action '${action}' (expected add, list, set or remove)`);
    const given = Object.keys(values).filter((k) => !(k in COMMON_OPTIONS));
    const misplaced = given.find((k) => !allowed.includes(k));
    if (misplaced) throw new UsageError(`option '--${misplaced}' does not apply to 'user ${action}'`);
    if (action === "list" ? name !== undefined : name === undefined) {
      throw new UsageError(action === "list" ? `unexpected argument '${name}'` : `missing user name for 'user ${action}'`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (values.enable && values.disable) throw new UsageError("--enable and --disable cannot be used together");
    if (values["password-stdin"] && values["clear-password"]) {
      throw new UsageError("--password-stdin and --clear-password cannot be used together");
    }
    if (values["require-password"] && values["no-require-password"]) {
      throw new UsageError("--require-password and --no-require-password cannot be used together");
    }
    if (values["catalog-editor"] && values["no-catalog-editor"]) {
      throw new UsageError("--catalog-editor and --no-catalog-editor cannot be used together");
    }
    const catalogEditor = values["catalog-editor"] ? true : values["no-catalog-editor"] ? false : undefined;
    const requirePassword = values["require-password"] ? true : values["no-require-password"] ? false : undefined;
    if (action === "add" && !values.role) throw new UsageError("missing --role admin|user");
    const role = values.role as "admin" | "user" | undefined;
    if (role !== undefined && role !== "admin" && role !== "user") {
      throw new UsageError(`invalid --role '${role}' (expected admin or user)`);
    }

    const config = configFromArgs(values);
    const password = values["password-stdin"] ? await readPasswordFromStdin() : undefined;
    const opened = await openConfiguredDatabase(config, { mustExist: action !== "add" });
    try {
      const store = new UserStore(opened.db);
      const actor = CLI_ACTOR;
      switch (action) {
        case "add": {
          const user = await store.add(
            {
              name: name!,
              role: role!,
              ips: values.ip ?? [],
              displayName: values["display-name"],
              password,
              requirePassword,
              enabled: !values.disable,
              catalogEditor,
            },
            actor,
          );
          console.log(`added ${describe(user)}`);
          if (user.ipRules.length === 0) console.log("note: no --ip given; this user cannot be recognised until an address is added");
          return 0;
        }
        case "list": {
          const all = await store.list();
          if (values.json) console.log(JSON.stringify(all, null, 2));
          else printTable(all);
          return 0;
        }
        case "set": {
          const user = await store.update(
            name!,
            {
              role,
              ips: values.ip,
              addIps: values["add-ip"],
              removeIps: values["remove-ip"],
              displayName: values["display-name"],
              password,
              clearPassword: values["clear-password"],
              requirePassword,
              enabled: values.enable ? true : values.disable ? false : undefined,
              catalogEditor,
            },
            actor,
          );
          console.log(`updated ${describe(user)}`);
          return 0;
        }
        default: {
          await store.remove(name!, actor);
          console.log(`removed ${name}`);
          return 0;
        }
      }
    } finally {
      opened.close();
    }
  },
};

async function readPasswordFromStdin(): Promise<string> {
  const text = await Bun.stdin.text();
  const firstLine = text.split(/\r?\n/)[0] ?? "";
  if (firstLine === "") throw new UsageError("--password-stdin: standard input held no password");
  return firstLine;
}

function describe(user: UserRecord): string {
  const state = user.enabled ? "" : ", disabled";
  const pw = user.hasPassword ? (user.requirePassword ? ", password required" : ", password set but not required") : "";
  const editor = user.catalogEditor ? ", catalog editor" : "";
  return `${user.name} (${user.role}${state}${pw}${editor}) ips: ${user.ipRules.join(", ") || "none"}`;
}

function printTable(all: UserRecord[]): void {
  if (all.length === 0) {
    console.log("no users yet: add one with 5gfm user add NAME --role admin|user --ip ADDRESS");
    return;
  }
  const rows = [
    ["NAME", "ROLE", "ENABLED", "PASSWORD", "IP RULES", "CATALOG", "DISPLAY NAME"],
    ...all.map((u) => [
      u.name,
      u.role,
      u.enabled ? "yes" : "no",
      u.hasPassword ? (u.requirePassword ? "required" : "set") : "-",
      u.ipRules.join(",") || "-",
      u.role === "admin" || u.catalogEditor ? "editor" : "-",
      u.displayName,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
}
