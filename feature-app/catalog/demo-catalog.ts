// The demo catalog ships inside the executable (a JSON import is bundled by `bun build`) and is
// checked by the same rules as any import, so a broken edit to it fails the tests, not a user.
import { checkCatalog } from "./catalog-rules";
import catalog from "./demo/catalog.json";
import type { Feature } from "./feature-schema";

let loaded: { name: string; features: Feature[] } | undefined;

/** Checked on first use only: an instance needs it just once, when the database is empty. */
export function demoCatalog(): { name: string; features: Feature[] } {
  if (loaded) return loaded;
  const checked = checkCatalog(catalog.features.map((data, index) => ({ row: index + 1, data, column: (path) => path })));
  if (checked.errors.length > 0) throw new Error(`the demo catalog is invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  loaded = { name: catalog.name, features: checked.features };
  return loaded;
}
