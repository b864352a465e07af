// The demo catalog ships inside the executable (a JSON import is bundled by `bun build`).
import catalog from "./demo/catalog.json";

export interface DemoCatalog {
  name: string;
  source: string;
  features: { id: string; release: string; category: string }[];
}

export const demoCatalog: DemoCatalog = catalog;
