// The difference between two JSON values as a list of paths with the old and the new value.
// Arrays of objects that carry an "id" or "name" are matched by it (a feature added in the
// middle is one change, not a shift of every later one); other arrays by position.
export interface JsonChange {
  path: string;
  /** Undefined: the path did not exist on that side. */
  before?: unknown;
  after?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => value !== null && typeof value === "object" && !Array.isArray(value);

function keyOf(item: Json): string | undefined {
  if (!isObject(item)) return undefined;
  const key = item.id ?? item.name;
  return typeof key === "string" ? key : undefined;
}

export function diffJson(before: unknown, after: unknown, path = "$"): JsonChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed = [...before, ...after].every((item) => keyOf(item) !== undefined);
    if (keyed) {
      const old = new Map(before.map((item) => [keyOf(item)!, item]));
      const next = new Map(after.map((item) => [keyOf(item)!, item]));
      const keys = [...new Set([...old.keys(), ...next.keys()])].sort();
      return keys.flatMap((key) => diffJson(old.get(key), next.get(key), `${path}[${JSON.stringify(key)}]`));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffJson(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}
