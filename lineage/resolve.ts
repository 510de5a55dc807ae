// The pure merge of lineage carriers: per-field precedence, validation, and the traceparent/tracestate pairing.
import { LineageError } from './errors.js';
import { LINEAGE_FIELDS, validateLineageValue } from './fields.js';
import {
  LINEAGE_SOURCES_IN_PRECEDENCE,
  type Lineage,
  type LineageField,
  type LineageReadResult,
  type LineageSource,
} from './record.js';

export interface CarrierValue {
  /** The value exactly as the carrier holds it. */
  value: string;
  /** Where it was read, for messages: e.g. `plugin env ARGOCD_ENV_TRACEPARENT`. */
  origin: string;
}

/** What one carrier holds, before validation. */
export interface CarrierReading {
  source: LineageSource;
  values: Partial<Record<LineageField, CarrierValue>>;
  /** The carrier itself is malformed (bad JSON, wrong schema): invalid input, fatal in strict mode. */
  problems: string[];
  /** Worth telling the user but not invalid input (git not installed): never fatal. */
  notices: string[];
}

const rank = (source: LineageSource): number => LINEAGE_SOURCES_IN_PRECEDENCE.indexOf(source);

/**
 * Merges carriers, highest precedence first, field by field: the first carrier with a valid value wins and an
 * invalid one is skipped with a warning. traceparent and tracestate travel as a pair (W3C: tracestate belongs
 * to its traceparent), so tracestate is taken only from the carrier whose traceparent won.
 * In strict mode any invalid value throws LineageError instead.
 */
export function resolveLineage(carriers: readonly CarrierReading[], strict: boolean): LineageReadResult {
  const ordered = [...carriers].sort((a, b) => rank(a.source) - rank(b.source));
  const lineage: Lineage = {};
  const sources: LineageReadResult['sources'] = {};
  const invalid: string[] = ordered.flatMap((c) => c.problems);
  const notices: string[] = ordered.flatMap((c) => c.notices);

  const accept = (field: LineageField, carrier: CarrierReading): 'set' | 'absent' | 'invalid' => {
    const raw = carrier.values[field];
    if (!raw) return 'absent';
    const checked = validateLineageValue(field, raw.value);
    if (!checked.ok) {
      invalid.push(`${raw.origin}: ${checked.problem}`);
      return 'invalid';
    }
    if (checked.value === undefined) return 'absent';
    lineage[field] = checked.value;
    sources[field] = carrier.source;
    return 'set';
  };

  for (const carrier of ordered) {
    const state = carrier.values.tracestate;
    const parent = accept('traceparent', carrier);
    if (parent === 'set') {
      accept('tracestate', carrier);
      break;
    }
    if (state && state.value.trim() !== '') {
      const why = parent === 'invalid' ? 'the traceparent beside it is invalid' : 'it has no traceparent beside it';
      notices.push(`${state.origin}: ignored because ${why}`);
    }
  }

  for (const field of LINEAGE_FIELDS) {
    if (field === 'traceparent' || field === 'tracestate') continue;
    for (const carrier of ordered) if (accept(field, carrier) === 'set') break;
  }

  if (strict && invalid.length > 0) throw new LineageError(invalid);
  return { lineage, sources, warnings: [...invalid, ...notices] };
}
