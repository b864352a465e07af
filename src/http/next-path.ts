// Where the browser may be sent after sign-in: a path on this very server, never another host.
// The check is made on the path as the URL parser resolves it (dot segments and their
// percent-encoded forms removed), because that is what the browser will follow: "/.//evil",
// "/x/..//evil" and "/%2e//evil" all become "//evil", which is another host.

const BASE = "http://gateway.invalid";
/** Characters a path and query may hold; anything else (tab, backslash, "#", spaces…) is refused. */
const PATH_CHARACTERS = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

function resolved(path: string): string | undefined {
  try {
    const url = new URL(path, BASE);
    return url.origin === BASE ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

/** The normalised same-origin path `next` names, or "/" when it names anything else. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !PATH_CHARACTERS.test(next)) return "/";
  const path = resolved(next);
  // "//x" is another host to a browser; a path the parser would change again is not normal yet.
  if (path === undefined || !path.startsWith("/") || path.startsWith("//") || !PATH_CHARACTERS.test(path) || resolved(path) !== path) return "/";
  return path;
}
