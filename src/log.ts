// One small logger: `time level component message key=value…`, secrets redacted by field name.
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /pass|token|secret|cookie|session|authorization/i;

let threshold: LogLevel = "info";
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Lets serve add its log file beside the console; tests capture lines the same way. */
export function setLogSink(write: (line: string) => void): void {
  sink = write;
}

function formatValue(key: string, value: unknown): string {
  if (SECRET_FIELD.test(key)) return "[redacted]";
  const text = value instanceof Error ? value.message : typeof value === "string" ? value : JSON.stringify(value);
  return /[\s"=]/.test(text ?? "") ? JSON.stringify(text) : String(text);
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Local time with its offset (2026-12-06T05:34:53+09:00): the time on the wall of the person
 * reading the log, as the pages show it, and still one unambiguous instant.
 */
export function localTimestamp(date = new Date()): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`;
}

/** One line as every logger writes it (also used to write a line straight to a log file). */
export function formatLogLine(level: LogLevel, component: string, message: string, fields: Record<string, unknown> = {}): string {
  const parts = [localTimestamp(), level.toUpperCase().padEnd(5), component, message];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${formatValue(key, value)}`);
  }
  return parts.join(" ");
}

export function createLogger(component: string): Logger {
  const write = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < RANK[threshold]) return;
    sink(formatLogLine(level, component, message, fields));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
