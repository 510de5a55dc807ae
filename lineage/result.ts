// The one result shape every pure parser/validator in lineage/ returns, so callers branch without try/catch.

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(problem: string): ParseResult<T> {
  return { ok: false, problem };
}

/** Quotes a value for a message: JSON escapes control characters, long values are shortened. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
