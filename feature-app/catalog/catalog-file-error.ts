// Why an uploaded catalog file cannot be read at all; shared by the readers of each format.
import { type AppMessageKey, type AppTranslate, appInEnglish } from "../messages";

/** Why a file cannot be read at all: English in its message (the API), worded per reader on pages. */
export class CatalogFileError extends Error {
  constructor(
    readonly key: AppMessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(appInEnglish(key, params));
  }

  in(t: AppTranslate): string {
    return t(this.key, this.params);
  }
}
