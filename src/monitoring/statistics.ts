// Usage statistics from the sessions table: visits (sessions started) per user per day and per
// week, unique users per day, and dwell time per session and per user. Days are the server's
// local days: the team shares one office clock.
import type { Client } from "@libsql/client";

export interface DateRange {
  /** YYYY-MM-DD, inclusive, local time. */
  from: string;
  to: string;
}

export interface VisitRow {
  period: string;
  user: string;
  visits: number;
}
export interface UniqueRow {
  day: string;
  /** Users with a visit that day. */
  users: number;
  visits: number;
  /** Sessions scripts started (API use): no visits, shown apart. */
  scriptSessions: number;
}
export interface DwellUserRow {
  user: string;
  sessions: number;
  totalDwellSeconds: number;
  averageDwellSeconds: number;
}
export interface DwellSessionRow {
  sessionId: number;
  user: string;
  address: string;
  started: string;
  dwellSeconds: number;
}

/** ISO-like week label: the Monday the week starts on. */
const WEEK = "date(d.day, 'weekday 0', '-6 days')";

function bounds(range: DateRange): [number, number] {
  const from = new Date(`${range.from}T00:00:00`).getTime();
  const to = new Date(`${range.to}T00:00:00`).getTime() + 24 * 3_600_000;
  return [from, to];
}

/** The per-day figures come from usage_days (one row per user and day), not from the sessions. */
export class Statistics {
  constructor(private readonly client: Client) {}

  private async rows<T>(sql: string, args: (string | number)[]): Promise<T[]> {
    const result = await this.client.execute({ sql, args });
    return result.rows.map((row) => ({ ...row }) as T);
  }

  visitsPerUserPerDay(range: DateRange): Promise<VisitRow[]> {
    return this.rows(
      `SELECT d.day AS period, u.name AS user, d.visits AS visits
       FROM usage_days d JOIN users u ON u.id = d.user_id
       WHERE d.day BETWEEN ? AND ? AND d.visits > 0 ORDER BY d.day, u.name`,
      [range.from, range.to],
    );
  }

  visitsPerUserPerWeek(range: DateRange): Promise<VisitRow[]> {
    return this.rows(
      `SELECT ${WEEK} AS period, u.name AS user, sum(d.visits) AS visits
       FROM usage_days d JOIN users u ON u.id = d.user_id
       WHERE d.day BETWEEN ? AND ? GROUP BY period, u.name HAVING visits > 0 ORDER BY period, u.name`,
      [range.from, range.to],
    );
  }

  uniqueUsersPerDay(range: DateRange): Promise<UniqueRow[]> {
    return this.rows(
      `SELECT d.day AS day, count(CASE WHEN d.visits > 0 THEN 1 END) AS users, sum(d.visits) AS visits, sum(d.script_sessions) AS scriptSessions
       FROM usage_days d WHERE d.day BETWEEN ? AND ? AND (d.visits > 0 OR d.script_sessions > 0) GROUP BY d.day ORDER BY d.day`,
      [range.from, range.to],
    );
  }

  dwellPerUser(range: DateRange): Promise<DwellUserRow[]> {
    return this.rows(
      `SELECT u.name AS user, sum(d.visits) AS sessions,
              round(sum(d.dwell_ms) / 1000.0, 1) AS totalDwellSeconds,
              round(sum(d.dwell_ms) / 1000.0 / max(1, sum(d.visits)), 1) AS averageDwellSeconds
       FROM usage_days d JOIN users u ON u.id = d.user_id
       WHERE d.day BETWEEN ? AND ? GROUP BY u.name HAVING sessions > 0 ORDER BY totalDwellSeconds DESC, u.name`,
      [range.from, range.to],
    );
  }

  /** Newest first; `limit` keeps the page small, the CSV asks for everything. */
  dwellPerSession(range: DateRange, limit = -1): Promise<DwellSessionRow[]> {
    return this.rows(
      `SELECT s.id AS sessionId, u.name AS user, s.address AS address,
              datetime(s.created_at / 1000, 'unixepoch', 'localtime') AS started,
              round(s.dwell_ms / 1000.0, 1) AS dwellSeconds
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at DESC LIMIT ${Math.trunc(limit)}`,
      bounds(range),
    );
  }
}

/** A table as CSV (RFC 4180 quoting), with a header row of the given columns. */
export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? "" : String(value);
    // A leading = + - @ would be run as a formula by spreadsheet programs.
    const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
