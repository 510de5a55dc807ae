// W3C Trace Context `traceparent` (Level 2): strict parse, canonical format, and creation of new ids.
// Hand-written because @opentelemetry/core's parser tolerates surrounding whitespace and formats flags
// above 0x0f as three characters (see reference/anchors.md §B3); we need the exact grammar and clear reasons.
import { createHash } from 'node:crypto';
import { fail, ok, quote, type ParseResult } from './result.js';

export const TraceFlags = {
  sampled: 0x01,
  /** Level 2: at least the right-most 7 bytes of the trace-id are random. */
  random: 0x02,
} as const;

/** The flag bits version 00 defines; formatting drops all others. */
export const KNOWN_TRACE_FLAGS = TraceFlags.sampled | TraceFlags.random;

export interface TraceParent {
  /** Version as received (0–254); formatting always writes 00, the highest version we know. */
  version: number;
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** 16 lowercase hex characters, not all zero. */
  parentId: string;
  /** Trace flags as a bit field (0–255). */
  flags: number;
}

/** Source of random bytes (node:crypto randomBytes in production); injected so the core stays pure. */
export type RandomBytes = (size: number) => Uint8Array;

const VERSION_00_LENGTH = 55;
const LOWER_HEX = /^[0-9a-f]*$/;
// Well-formed values only (version not ff, ids not all zero); anything else goes the field-by-field way.
const CANONICAL = /^(?!ff)([0-9a-f]{2})-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/s;

function checkHexField(name: string, value: string | undefined, length: number): string | undefined {
  if (value === undefined) return `${name} is missing`;
  if (value.length !== length) return `${name} must be ${length} hex characters, got ${value.length}`;
  if (!LOWER_HEX.test(value)) {
    return /^[0-9a-fA-F]*$/.test(value)
      ? `${name} must be lowercase hex`
      : `${name} contains a character that is not lowercase hex`;
  }
  if (length > 2 && /^0+$/.test(value)) return `${name} must not be all zeros`;
  return undefined;
}

/** The four dash-separated fields; `parts` comes from a split on `-`. */
function checkFields(parts: readonly string[]): string | undefined {
  return (
    checkHexField('version', parts[0], 2) ??
    checkHexField('trace-id', parts[1], 32) ??
    checkHexField('parent-id', parts[2], 16) ??
    checkHexField('trace-flags', parts[3], 2)
  );
}

/**
 * Parses one traceparent value exactly as the spec's grammar says: no surrounding whitespace (strip HTTP OWS
 * before calling), lowercase hex only, version `ff` invalid, version 00 exactly 55 characters, and for a higher
 * version only the first 55 characters are read, followed by the end or a `-`.
 */
export function parseTraceparent(value: string): ParseResult<TraceParent> {
  // Fast path for the common well-formed value; anything else takes the field-by-field path for a reason.
  const m = CANONICAL.exec(value);
  if (m && (m[5] === undefined || m[1] !== '00')) {
    return ok({
      version: Number.parseInt(m[1] ?? '', 16),
      traceId: m[2] ?? '',
      parentId: m[3] ?? '',
      flags: Number.parseInt(m[4] ?? '', 16),
    });
  }
  const bad = (why: string) => fail<TraceParent>(`invalid traceparent ${quote(value)}: ${why}`);
  const fieldCount = value.split('-').length;
  if (fieldCount < 4) return bad(`expected version-traceid-parentid-flags, got ${fieldCount} field${fieldCount === 1 ? '' : 's'}`);
  const versionProblem = checkHexField('version', value.split('-', 1)[0], 2);
  if (versionProblem) return bad(versionProblem);
  const version = Number.parseInt(value.slice(0, 2), 16);
  if (version === 0xff) return bad('version ff is forbidden');

  let fields: string;
  if (version === 0) {
    const parts = value.split('-');
    const problem = checkFields(parts);
    if (problem) return bad(problem);
    if (parts.length > 4 || value.length !== VERSION_00_LENGTH) return bad('version 00 allows no data after trace-flags');
    fields = value;
  } else {
    // Future versions may append fields; we read only what version 00 defines.
    if (value.length > VERSION_00_LENGTH && value[VERSION_00_LENGTH] !== '-') {
      return bad(`version ${value.slice(0, 2)}: character 56 must be "-" or the end`);
    }
    fields = value.slice(0, VERSION_00_LENGTH);
    const problem = checkFields(fields.split('-'));
    if (problem) return bad(problem);
    if (fields.length !== VERSION_00_LENGTH) return bad('fields are not separated by single "-"');
  }
  return ok({
    version,
    traceId: fields.slice(3, 35),
    parentId: fields.slice(36, 52),
    flags: Number.parseInt(fields.slice(53, 55), 16),
  });
}

/** Formats as version 00 (the highest we know, as the spec requires), keeping only the known flag bits. */
export function formatTraceparent(tp: Pick<TraceParent, 'traceId' | 'parentId' | 'flags'>): string {
  const flags = (tp.flags & KNOWN_TRACE_FLAGS).toString(16).padStart(2, '0');
  return `00-${tp.traceId}-${tp.parentId}-${flags}`;
}

/** Parses and re-formats, so stored values are always canonical version 00. */
export function normalizeTraceparent(value: string): ParseResult<string> {
  const parsed = parseTraceparent(value);
  return parsed.ok ? ok(formatTraceparent(parsed.value)) : parsed;
}

export function isSampled(tp: Pick<TraceParent, 'flags'>): boolean {
  return (tp.flags & TraceFlags.sampled) !== 0;
}

function nonZeroHex(random: RandomBytes, size: number): string {
  // An all-zero id is invalid; with a working RNG a second all-zero draw is impossible in practice.
  for (let attempt = 0; attempt < 2; attempt++) {
    const hex = Buffer.from(random(size)).toString('hex');
    if (hex.length === size * 2 && !/^0+$/.test(hex)) return hex;
  }
  throw new Error(`random source returned an invalid ${size}-byte id twice`);
}

/** A new root traceparent with random ids; marks the trace-id random (Level 2) and sampled by default. */
export function newTraceparent(random: RandomBytes, options: { sampled?: boolean } = {}): TraceParent {
  const sampled = options.sampled ?? true;
  return {
    version: 0,
    traceId: nonZeroHex(random, 16),
    parentId: nonZeroHex(random, 8),
    flags: TraceFlags.random | (sampled ? TraceFlags.sampled : 0),
  };
}

/** A child of `parent`: same trace-id, new parent-id, flags carried over (the random flag must stay). */
export function childTraceparent(parent: TraceParent, random: RandomBytes): TraceParent {
  return { version: 0, traceId: parent.traceId, parentId: nonZeroHex(random, 8), flags: parent.flags & KNOWN_TRACE_FLAGS };
}

/**
 * A deterministic sampled traceparent for CIs that have no live trace (Spinnaker): trace-id = the first 16 bytes
 * of sha256(seed), parent-id = the next 8, so another system can compute the same ids from the same seed.
 * The random flag is not set: the ids are derived, not drawn.
 */
export function deriveTraceparent(seed: string): ParseResult<TraceParent> {
  if (seed.length === 0) return fail('cannot derive a trace id from an empty string');
  const digest = createHash('sha256').update(seed, 'utf8').digest('hex');
  const traceId = digest.slice(0, 32);
  const parentId = digest.slice(32, 48);
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return fail(`sha256 of ${quote(seed)} gives an all-zero id`);
  return ok({ version: 0, traceId, parentId, flags: TraceFlags.sampled });
}
