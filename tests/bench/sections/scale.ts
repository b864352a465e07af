import type { Section } from "../lib/section";
export const scaleSection: Section = { name: "scale", run: async () => ({ title: "x", notes: [], columns: [], rows: [] }) };
