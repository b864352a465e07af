// What the gateway answers itself on /app/… instead of relaying: for a browser a page, for a
// script JSON with the status the page would have had (and Retry-After where waiting helps).
import { NoticePage } from "../../views/notice-page";
import type { GatewayContext } from "./context";
import { pageContext } from "./context";

/** Why a script is not let in, as JSON with the status a browser's page would have had. */
export function refusedScript(c: GatewayContext, kind: "cross-site" | "not-set-up" | "needs-password" | "disabled" | "unknown") {
  const answers = {
    "cross-site": [403, "cross-site request refused"],
    "not-set-up": [503, "this server is not set up yet"],
    "needs-password": [401, "sign in first: this account needs a password"],
    disabled: [403, "this account is disabled"],
    unknown: [403, "this address is not registered"],
  } as const;
  const [status, error] = answers[kind];
  return c.json({ error }, status);
}

export type Unavailable = "starting" | "failed" | "full" | "unavailable" | "unresponsive" | "timeout" | "sockets";

const STATUS: Record<Unavailable, 502 | 503 | 504 | 429> = {
  starting: 503,
  failed: 503,
  full: 503,
  unavailable: 502,
  unresponsive: 503,
  timeout: 504,
  sockets: 429,
};
const RETRY_AFTER: Partial<Record<Unavailable, string>> = { starting: "2", full: "60", unavailable: "2", unresponsive: "5", sockets: "10" };
const TONE = { starting: "info", full: "warn", sockets: "warn" } as const;

function wantsPage(c: GatewayContext): boolean {
  return c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html");
}

/** A request that changes something and got no answer may or may not have been applied: the answer says so. */
function outcomeUnknown(c: GatewayContext, kind: Unavailable): boolean {
  return kind === "timeout" && c.req.method !== "GET" && c.req.method !== "HEAD";
}

/** Why there is no answer from the app: a page for a browser, JSON for anything else. */
export function unavailable(c: GatewayContext, kind: Unavailable) {
  const status = STATUS[kind];
  const retryAfter = RETRY_AFTER[kind];
  if (retryAfter) c.header("retry-after", retryAfter);
  const page = pageContext(c);
  const { t } = page;
  const body = outcomeUnknown(c, kind) ? t("instance.timeout.change") : t(`instance.${kind}.body`);
  if (!wantsPage(c)) return c.json({ error: kind, message: body }, status);
  return c.html(
    <NoticePage
      page={page}
      title={t(`instance.${kind}.title`)}
      tone={TONE[kind as keyof typeof TONE] ?? "bad"}
      id={`instance-${kind}`}
      refreshSeconds={kind === "starting" || kind === "unresponsive" ? 2 : undefined}
    >
      <p>{body}</p>
      {kind === "failed" ? (
        <form method="post" action="/app/_retry">
          <button type="submit">{t("instance.failed.retry")}</button>
        </form>
      ) : (
        kind !== "starting" && (
          <p>
            <a href="/app/">{t("instance.reload")}</a>
          </p>
        )
      )}
    </NoticePage>,
    status,
  );
}
