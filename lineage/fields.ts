// Validation of each lineage field, shared by every carrier and by `stamp`, so a value that one side accepts
// the other side accepts too. Values come back normalised (canonical traceparent, trimmed strings).
import { stripOws } from './ows.js';
import type { LineageField } from './record.js';
import { fail, ok, quote, type ParseResult } from './result.js';
import { normalizeTraceparent } from './traceparent.js';
import { formatTracestate, validateTracestate } from './tracestate.js';

/** Every field, in the order the lineage file and commit trailers list them. */
export const LINEAGE_FIELDS: readonly LineageField[] = [
  'traceparent',
  'tracestate',
  'modelId',
  'datasetVersion',
  'pipelineName',
  'pipelineRunId',
  'pipelineRunUrl',
  'commit',
  'environment',
];

export function isLineageField(name: string): name is LineageField {
  return (LINEAGE_FIELDS as readonly string[]).includes(name);
}

/** Longest free-text value we carry; keeps trailers one line and annotations small. */
export const MAX_TEXT_LENGTH = 1024;

// Control characters would break commit trailers, env files and annotation values downstream.
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: string): ParseResult<string> {
  const trimmed = value.trim();
  if (CONTROL.test(trimmed)) return fail(`${quote(value)} contains a control character (newline, tab, …)`);
  if (trimmed.length > MAX_TEXT_LENGTH) return fail(`value is ${trimmed.length} characters, the limit is ${MAX_TEXT_LENGTH}`);
  return ok(trimmed);
}

function url(value: string): ParseResult<string> {
  const t = text(value);
  if (!t.ok) return t;
  let parsed: URL;
  try {
    parsed = new URL(t.value);
  } catch {
    return fail(`${quote(value)} is not an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return fail(`${quote(value)} is not an http(s) URL`);
  }
  return ok(t.value);
}

function revision(value: string): ParseResult<string> {
  const t = value.trim();
  // A git object name: 40 (SHA-1) or 64 (SHA-256) hex characters, or an abbreviation of at least 7.
  if (!/^[0-9a-fA-F]{7,64}$/.test(t)) return fail(`${quote(value)} is not a commit id (7 to 64 hex characters)`);
  return ok(t.toLowerCase());
}

function tracestate(value: string): ParseResult<string> {
  const entries = validateTracestate(stripOws(value));
  if (!entries.ok) return entries;
  const formatted = formatTracestate(entries.value);
  const kept = formatted === '' ? 0 : formatted.split(',').length;
  if (kept < entries.value.length) {
    return fail(`tracestate is longer than 512 characters; drop entries yourself rather than have them cut`);
  }
  return ok(formatted);
}

const validators: Record<LineageField, (value: string) => ParseResult<string>> = {
  traceparent: (value) => normalizeTraceparent(stripOws(value)),
  tracestate,
  modelId: text,
  datasetVersion: text,
  pipelineName: text,
  pipelineRunId: text,
  pipelineRunUrl: url,
  commit: revision,
  environment: text,
};

/**
 * Validates and normalises one value. Surrounding whitespace is ignored (HTTP OWS for trace context, plain
 * trimming for the rest); an empty value is `undefined`, meaning "not set" (Argo CD v3 passes empty env values).
 */
export function validateLineageValue(field: LineageField, raw: string): ParseResult<string | undefined> {
  if (raw.trim() === '') return ok(undefined);
  return validators[field](raw);
}
