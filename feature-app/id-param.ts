/** A row id from a URL (path or query), or undefined for anything that is not one. */
export function idParam(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
