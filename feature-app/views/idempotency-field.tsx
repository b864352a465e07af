// The app's own creating forms carry a key made when the form is rendered, so sending the same
// form twice (a retry after an error page, a double click, a resent POST) creates once.
import { randomUUID } from "node:crypto";
import { IDEMPOTENCY_FIELD, IDEMPOTENCY_HEADER } from "../idempotency";

/** For a plain form: the key as a hidden field. */
export function IdempotencyField() {
  return <input type="hidden" name={IDEMPOTENCY_FIELD} value={randomUUID()} />;
}

/** For an htmx form: the key as a header (`hx-headers`). */
export function idempotencyHeaders(): string {
  return JSON.stringify({ [IDEMPOTENCY_HEADER]: randomUUID() });
}
