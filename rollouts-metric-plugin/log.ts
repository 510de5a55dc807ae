// hclog JSON lines on stderr: the only log format go-plugin's host parses into levels and fields (§2.5).
// The host type-asserts `@message` and `@level` to string without checking, so a non-string there panics the
// controller; every line is built here so that can never happen.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where whole lines go; defaults to fd 2 (the only stream the host reads). */
  write?: (line: string) => void;
  now?: () => Date;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
// The host reads stderr with a 64 KiB bufio.Reader and splits longer lines; stay well below.
const MAX_FIELD_CHARS = 8192;
const RESERVED = new Set(['@level', '@message', '@timestamp']);

export function parseLogLevel(text: string | undefined): LogLevel | undefined {
  if (text === undefined) return undefined;
  const lower = text.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(lower) ? (lower as LogLevel) : undefined;
}

/** `2006-01-02T15:04:05.000000Z`: hclog's layout needs exactly six fractional digits. */
export function hclogTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

function fieldValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}…` : text;
}

/** One hclog JSON line (without the newline). */
export function formatLogLine(level: LogLevel, message: string, fields: LogFields, at: Date): string {
  const record: Record<string, unknown> = {
    '@level': level,
    '@message': String(message).slice(0, MAX_FIELD_CHARS),
    '@timestamp': hclogTimestamp(at),
  };
  for (const [key, value] of Object.entries(fields)) {
    record[RESERVED.has(key) ? `_${key}` : key] = fieldValue(value);
  }
  return JSON.stringify(record);
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVELS.indexOf(level) < threshold) return;
    try {
      write(`${formatLogLine(level, message, { ...bound, ...fields }, now())}\n`);
    } catch {
      // Logging never takes the plugin down (stderr closed, EPIPE).
    }
  };
  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    with: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, tools). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
