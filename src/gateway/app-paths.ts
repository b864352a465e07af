// Which requests are app traffic (Bun.serve's fetch asks), and which /app/… paths a browser may
// reach (the decision in app-decision.ts asks).

/** Whether an absolute request URL, as Bun.serve gives it, is under /app/: without parsing it. */
export function isAppUrl(url: string): boolean {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  return pathStart !== -1 && url.startsWith("/app/", pathStart);
}

/** Paths of the app's own protocol with the gateway, which browsers have no business calling. */
const GATEWAY_ONLY = /^\/app\/_claim\b/;
/** Large-body diagnostics for the benchmark suite; closed unless the server runs with --diagnostics. */
const DIAGNOSTICS = /^\/app\/_diag\b/;

/** The path as the feature app will see it (it decodes %5F to _), so the filters below cannot be dodged. */
export function decodedPath(path: string): string | undefined {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

export function appPathClosed(decoded: string, diagnostics: boolean): boolean {
  return GATEWAY_ONLY.test(decoded) || (DIAGNOSTICS.test(decoded) && !diagnostics);
}
