import type { Context } from "hono";
import { PublicError } from "../errors";

/** The posted form's text fields; a body that cannot be parsed is the sender's error (400), not ours. */
export async function formFields(c: Context): Promise<Record<string, string>> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    throw new PublicError("the form could not be read", undefined, 400);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") fields[key] = value;
  return fields;
}
