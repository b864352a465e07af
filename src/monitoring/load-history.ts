// Server load hour by hour, for "was the server overloaded last night?": the sampler folds each
// completed hour of samples into metric_hours with hourlyFigures, and loadHistory reads them back
// for one gateway, adding the hours not folded yet (the current one, so far) from the raw samples
// with the same figures, so the last hours on the chart are never missing or computed otherwise.
import { and, asc, eq, getTableColumns, gte, sql } from "drizzle-orm";
import * as v from "valibot";
import type { Database } from "../db/open";
import { metricHours, metricSamples } from "../db/schema";

export const HOUR_MS = 3_600_000;

/** The spans an admin can look back over, in hours (the current hour counts as one). */
export const LOAD_SPANS = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24 } as const;
export type LoadSpan = keyof typeof LOAD_SPANS;
export const loadSpanSchema = v.picklist(Object.keys(LOAD_SPANS) as LoadSpan[]);

export type LoadHour = Omit<typeof metricHours.$inferSelect, "nodeId">;

/**
 * The start of the hour a sample was taken in, in milliseconds. The hour's length is written into
 * the statement: bound as a parameter it arrives as a REAL, SQLite then divides exactly, and every
 * sample became an "hour" of its own (migration 0016 folds the rows that wrote).
 */
const HOUR_LITERAL = sql.raw(String(HOUR_MS));
export const sampleHour = sql<number>`(${metricSamples.at} / ${HOUR_LITERAL}) * ${HOUR_LITERAL}`;

/** One hour's figures from its samples: what metric_hours keeps. */
export const hourlyFigures = {
  cpuPercentAvg: sql<number>`avg(${metricSamples.cpuPercent})`,
  cpuPercentMax: sql<number>`max(${metricSamples.cpuPercent})`,
  memoryUsedBytesAvg: sql<number>`cast(avg(${metricSamples.memoryUsedBytes}) as integer)`,
  memoryUsedBytesMax: sql<number>`max(${metricSamples.memoryUsedBytes})`,
  requestsPerSecondAvg: sql<number>`avg(${metricSamples.requestsPerSecond})`,
  openWebSocketsMax: sql<number>`max(${metricSamples.openWebSockets})`,
  instancesRunningMax: sql<number>`max(${metricSamples.instancesRunning})`,
};

/** The start of the hour now is in: the one still being sampled. */
export function currentHour(now: number): Date {
  return new Date(Math.floor(now / HOUR_MS) * HOUR_MS);
}

/** The first hour a span shows: it ends with the current hour. */
export function spanStart(span: LoadSpan, now: number): Date {
  return new Date(currentHour(now).getTime() - (LOAD_SPANS[span] - 1) * HOUR_MS);
}

const rounded = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** An hour's figures as the chart and its table show them: one rounding for both. */
export function shownFigures(hour: LoadHour) {
  return {
    cpuAvg: rounded(hour.cpuPercentAvg, 1),
    cpuMax: rounded(hour.cpuPercentMax, 1),
    memoryAvgMb: Math.round(hour.memoryUsedBytesAvg / 2 ** 20),
    memoryMaxMb: Math.round(hour.memoryUsedBytesMax / 2 ** 20),
    requestsPerSecond: rounded(hour.requestsPerSecondAvg, 2),
    webSocketsMax: hour.openWebSocketsMax,
    appsMax: hour.instancesRunningMax,
  };
}
export type ShownFigures = ReturnType<typeof shownFigures>;

/** One gateway's hours in the span, oldest first. */
export async function loadHistory(db: Database, nodeId: string, span: LoadSpan, now = Date.now()): Promise<LoadHour[]> {
  const from = spanStart(span, now);
  const { nodeId: _, ...stored } = getTableColumns(metricHours);
  const rolledUp = await db
    .select(stored)
    .from(metricHours)
    .where(and(eq(metricHours.nodeId, nodeId), gte(metricHours.hour, from)))
    .orderBy(asc(metricHours.hour));
  // The rollup folds every completed hour at once, so what comes after the last folded hour is raw.
  const last = rolledUp.at(-1)?.hour;
  const rawFrom = last ? new Date(last.getTime() + HOUR_MS) : from;
  const notRolledUp = await db
    .select({ hour: sampleHour, ...hourlyFigures })
    .from(metricSamples)
    .where(and(eq(metricSamples.nodeId, nodeId), gte(metricSamples.at, rawFrom)))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return [...rolledUp, ...notRolledUp.map((row) => ({ ...row, hour: new Date(Number(row.hour)) }))];
}
