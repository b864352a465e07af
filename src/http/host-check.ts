// DNS-rebinding guard: a page on an attacker's domain that re-points its name at this server
// would otherwise be same-origin with it. Only names the server is really known by are answered:
// IP addresses, localhost, this machine's own name, and the configured public host names.
import { hostname } from "node:os";
import { createMiddleware } from "hono/factory";
import { parseAddress } from "../net/ip";

export function allowedHostNames(publicHosts: string[]): Set<string> {
  const machine = hostname().toLowerCase();
  return new Set(["localhost", machine, machine.split(".")[0]!, ...publicHosts]);
}

/** The host name of a Host header, without port or IPv6 brackets, lower-cased. */
export function hostOf(header: string): string {
  const trimmed = header.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(0, trimmed.indexOf("]") + 1);
  return trimmed.replace(/:\d+$/, "");
}

/** What a Host header may look like: a name or a bracketed IPv6 address, then an optional port. */
const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:(\d{1,5}))?$/;

/** Past this many distinct accepted Host headers the memo starts over. */
const MEMO_LIMIT = 1024;

/**
 * The Host check as a function: undefined when the header names this server, else the refusal.
 * `publicHosts` is asked on every request, so the console can change the names while running.
 */
export function createHostCheck(publicHosts: () => string[]): (sent: string) => Response | undefined {
  let namesFrom: string[] | undefined;
  let allowed = new Set<string>();
  // The verdict depends on the header alone, and browsers send the same one every time.
  const accepted = new Set<string>();
  return (sent) => {
    if (publicHosts() !== namesFrom) {
      namesFrom = publicHosts();
      allowed = allowedHostNames(namesFrom);
      accepted.clear();
    }
    if (accepted.has(sent)) return undefined;
    const header = sent.trim().toLowerCase();
    const syntax = HOST_SYNTAX.exec(header);
    if (!syntax || Number(syntax[3] ?? 0) > 65535) return refusal("malformed Host header\n", 400);
    const name = hostOf(header);
    if (name && (allowed.has(name) || parseAddress(name) !== null)) {
      if (accepted.size >= MEMO_LIMIT) accepted.clear();
      accepted.add(sent);
      return undefined;
    }
    return refusal(
      `This server does not answer to the name "${name.slice(0, 100)}". If that is how people reach it, an administrator can add it with --public-host ${name.slice(0, 100)} (or FGM_PUBLIC_HOSTS).\n`,
      421,
    );
  };
}

function refusal(text: string, status: number): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=UTF-8" } });
}

export function hostCheckMiddleware(check: (sent: string) => Response | undefined) {
  return createMiddleware(async function hostCheck(c, next) {
    const refused = check(c.req.header("host") ?? "");
    if (refused) return refused;
    await next();
  });
}
