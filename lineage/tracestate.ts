// W3C Trace Context `tracestate` (Level 2 grammar): parse, validate, mutate and format with the spec's limits.
// Hand-written for the same reason as traceparent.ts: we need the exact grammar, reasons, and the truncation rule.
import { stripOws } from './ows.js';
import { fail, ok, quote, type ParseResult } from './result.js';

export interface TraceStateEntry {
  key: string;
  value: string;
}

export interface ParsedTraceState {
  /** Entries left to right; for a repeated key only the left-most (most recent) entry is kept. */
  entries: TraceStateEntry[];
  /** Keys that appeared more than once (the spec lets a receiver drop such duplicates). */
  duplicateKeys: string[];
}

export const TRACESTATE_MAX_MEMBERS = 32;
/** Vendors should propagate at least this many characters of the combined header. */
export const TRACESTATE_PROPAGATED_LENGTH = 512;
/** When truncating, entries longer than this go first. */
export const TRACESTATE_LONG_ENTRY = 128;

// key = (lcalpha / DIGIT) 0*255(keychar); keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@".
// Level 2 replaced Level 1's tenant@system (system ≤ 14) form; `t@vvv…` keys are simply keys that contain `@`.
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = printable ASCII except "," and "=".
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

export function checkTracestateKey(key: string): string | undefined {
  if (key.length === 0) return 'key is empty';
  if (key.length > 256) return `key is ${key.length} characters, the limit is 256`;
  if (!KEY.test(key)) {
    return 'key must start with a-z or 0-9 and contain only a-z 0-9 _ - * / @';
  }
  return undefined;
}

export function checkTracestateValue(value: string): string | undefined {
  if (value.length === 0) return 'value is empty';
  if (value.length > 256) return `value is ${value.length} characters, the limit is 256`;
  if (!VALUE.test(value)) {
    return value.endsWith(' ')
      ? 'value must not end with a space'
      : 'value may contain only printable ASCII (0x20-0x7E) except "," and "="';
  }
  return undefined;
}

/**
 * Parses one tracestate value, or several header fields (combined with commas as RFC 9110 says). Empty and
 * whitespace-only members are allowed; any malformed member, or more than 32 members, invalidates the whole value.
 */
export function parseTracestate(fields: string | readonly string[]): ParseResult<ParsedTraceState> {
  const combined = typeof fields === 'string' ? fields : fields.join(',');
  const entries: TraceStateEntry[] = [];
  const seen = new Set<string>();
  const duplicateKeys: string[] = [];
  let members = 0;
  for (const raw of combined.split(',')) {
    const member = stripOws(raw);
    if (member === '') continue;
    members++;
    if (members > TRACESTATE_MAX_MEMBERS) {
      return fail(`invalid tracestate: more than ${TRACESTATE_MAX_MEMBERS} list members`);
    }
    const eq = member.indexOf('=');
    if (eq < 0) return fail(`invalid tracestate: member ${quote(member)} has no "="`);
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    const problem = checkTracestateKey(key) ?? checkTracestateValue(value);
    if (problem) return fail(`invalid tracestate: member ${quote(member)}: ${problem}`);
    if (seen.has(key)) {
      if (!duplicateKeys.includes(key)) duplicateKeys.push(key);
      continue;
    }
    seen.add(key);
    entries.push({ key, value });
  }
  return ok({ entries, duplicateKeys });
}

/** Strict form for values we are handed as configuration: duplicate keys are an error, not something to repair. */
export function validateTracestate(value: string): ParseResult<TraceStateEntry[]> {
  const parsed = parseTracestate(value);
  if (!parsed.ok) return parsed;
  if (parsed.value.duplicateKeys.length > 0) {
    return fail(`invalid tracestate: duplicate key ${parsed.value.duplicateKeys.map((k) => quote(k)).join(', ')}`);
  }
  return ok(parsed.value.entries);
}

const entryLength = (e: TraceStateEntry): number => e.key.length + 1 + e.value.length;

function joinedLength(entries: readonly TraceStateEntry[]): number {
  return entries.reduce((sum, e) => sum + entryLength(e), 0) + Math.max(0, entries.length - 1);
}

/**
 * Keeps whole entries so the joined header fits `maxLength`: first drops entries longer than 128 characters
 * (right-most first), then drops from the right, as the spec's truncation rule says.
 */
export function truncateTracestate(
  entries: readonly TraceStateEntry[],
  maxLength = TRACESTATE_PROPAGATED_LENGTH,
): TraceStateEntry[] {
  const kept = [...entries];
  for (let i = kept.length - 1; i >= 0 && joinedLength(kept) > maxLength; i--) {
    const entry = kept[i];
    if (entry && entryLength(entry) > TRACESTATE_LONG_ENTRY) kept.splice(i, 1);
  }
  while (kept.length > 0 && joinedLength(kept) > maxLength) kept.pop();
  return kept;
}

/** The header value (no OWS), truncated by the spec's rule; '' means "send no tracestate". */
export function formatTracestate(entries: readonly TraceStateEntry[], maxLength = TRACESTATE_PROPAGATED_LENGTH): string {
  return truncateTracestate(entries, maxLength)
    .map((e) => `${e.key}=${e.value}`)
    .join(',');
}

/** Adds or updates `key`, moving it to the left as the spec requires; the right-most entry goes beyond 32. */
export function setTracestateEntry(
  entries: readonly TraceStateEntry[],
  key: string,
  value: string,
): ParseResult<TraceStateEntry[]> {
  const problem = checkTracestateKey(key) ?? checkTracestateValue(value);
  if (problem) return fail(`cannot set tracestate ${quote(key)}: ${problem}`);
  const rest = entries.filter((e) => e.key !== key);
  return ok([{ key, value }, ...rest].slice(0, TRACESTATE_MAX_MEMBERS));
}

/** Parses, then formats canonically (no OWS, no empty members, ≤ 512 characters). */
export function normalizeTracestate(value: string): ParseResult<string> {
  const entries = validateTracestate(value);
  return entries.ok ? ok(formatTracestate(entries.value)) : entries;
}
