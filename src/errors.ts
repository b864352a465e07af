import type { MessageKey } from "./i18n/messages";

/** An error whose message is safe to show to whoever caused it; the cause stays in the logs. */
export class PublicError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
    readonly status: number = 500,
    /** When set, pages show this catalog text in the visitor's language instead of the message. */
    readonly messageKey?: MessageKey,
  ) {
    super(message);
    this.name = "PublicError";
  }
}

/** Bad command-line input: a one-line reason, the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
