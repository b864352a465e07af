// The demo catalog ships inside the executable (a JSON import is bundled by `bun build`) and is
// checked by the same rules as any import, so a broken edit to it fails the tests, not a user.
import { checkCatalog } from "./catalog-rules";
import catalog from "./demo/catalog.json";
import type { Feature } from "./feature-schema";

function loadDemo(): { name: string; features: Feature[] } {
  const checked = checkCatalog(catalog.features.map((data, index) => ({ row: index + 1, data, column: (path) => path })));
  if (checked.errors.length > 0) throw new Error(`the demo catalog is invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  return { name: catalog.name, features: checked.features };
}

export const demoCatalog = loadDemo();
