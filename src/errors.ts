import { type MessageKey, type MessageParams, inEnglish } from "./i18n/messages";

/** An error whose message is safe to show to whoever caused it; the cause stays in the logs. */
export class PublicError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
    readonly status: number = 500,
    /** When set, pages show this catalog text in the visitor's language instead of the message. */
    readonly messageKey?: MessageKey,
    readonly messageParams?: MessageParams,
  ) {
    super(message);
    this.name = "PublicError";
  }

  /** A refusal worded by the catalog: English for the logs and the CLI, the reader's language on pages. */
  static of(status: number, key: MessageKey, params?: MessageParams): PublicError {
    return new PublicError(inEnglish(key, params), undefined, status, key, params);
  }
}

/** What a page shows for the error: the catalog text in the reader's language when there is one. */
export function publicMessage(error: PublicError, t: (key: MessageKey, params?: MessageParams) => string): string {
  return error.messageKey ? t(error.messageKey, error.messageParams) : error.message;
}

/** Bad command-line input: a one-line reason, the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
