// The demo catalog ships inside the executable (a JSON import is bundled by `bun build`).
import * as v from "valibot";
import { type Catalog, catalogSchema } from "./catalog";
import catalog from "./demo/catalog.json";

export const demoCatalog: Catalog = v.parse(catalogSchema, catalog);
