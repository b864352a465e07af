// The contract every part of the suite follows: a section starts what it needs, measures, stops it
// all again, and hands back one table. Adding a figure to the suite is one module in sections/ and
// one line in run.ts.

export interface BenchOptions {
  /** Shorter runs and smaller data, for development; the figures are then only indicative. */
  quick: boolean;
  /** Seconds per load-generator run. */
  seconds: number;
  /** The command that starts 5gfm (the built executable, or bun with src/main.ts). */
  command: string[];
  /** Another 5gfm to measure in the same run, for before/after figures (`--before PATH`). */
  before?: string[];
}

export type Cell = string | number;

export interface SectionResult {
  title: string;
  /** How it was measured, printed under the table. */
  notes: string[];
  columns: string[];
  rows: Cell[][];
}

export interface Section {
  name: string;
  run(options: BenchOptions): Promise<SectionResult>;
}

export const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `run` `runs` times one after another; the median time in milliseconds. */
export async function medianMs(runs: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}
