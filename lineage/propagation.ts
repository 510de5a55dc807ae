// Header-level W3C rules for a service that receives and forwards trace context: header names are
// case-insensitive, a repeated traceparent is invalid, tracestate fields combine, and tracestate is read
// only when traceparent is valid. This is the behaviour the W3C conformance harness (test/test.py) checks.
import { stripOws } from './ows.js';
import {
  childTraceparent,
  formatTraceparent,
  newTraceparent,
  parseTraceparent,
  type RandomBytes,
  type TraceParent,
} from './traceparent.js';
import { formatTracestate, parseTracestate, type TraceStateEntry } from './tracestate.js';

/** HTTP header fields in the order received, names as sent. */
export type HeaderFields = ReadonlyArray<readonly [name: string, value: string]>;

export interface IncomingTraceContext {
  traceparent?: TraceParent;
  tracestate: TraceStateEntry[];
  /** Why something received was not used. */
  problems: string[];
}

export interface OutgoingTraceContext {
  traceparent: TraceParent;
  tracestate: TraceStateEntry[];
}


export function extractTraceContext(headers: HeaderFields): IncomingTraceContext {
  // RFC 9110 §5.5: a field value has no leading or trailing SP/HTAB.
  const values = (name: string) =>
    headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => stripOws(v));
  const traceparents = values('traceparent');
  if (traceparents.length === 0) return { tracestate: [], problems: [] };
  if (traceparents.length > 1) {
    return { tracestate: [], problems: [`${traceparents.length} traceparent headers; exactly one is allowed`] };
  }
  const parent = parseTraceparent(traceparents[0] ?? '');
  if (!parent.ok) return { tracestate: [], problems: [parent.problem] };

  const tracestateFields = values('tracestate');
  if (tracestateFields.length === 0) return { traceparent: parent.value, tracestate: [], problems: [] };
  const state = parseTracestate(tracestateFields);
  if (!state.ok) return { traceparent: parent.value, tracestate: [], problems: [state.problem] };
  const problems = state.value.duplicateKeys.map((k) => `tracestate key "${k}" repeated; kept the left-most`);
  return { traceparent: parent.value, tracestate: state.value.entries, problems };
}

/** What a service sends on: a child of a valid incoming context, otherwise a new trace (tracestate dropped). */
export function continueTrace(incoming: IncomingTraceContext, random: RandomBytes): OutgoingTraceContext {
  if (!incoming.traceparent) return { traceparent: newTraceparent(random), tracestate: [] };
  return { traceparent: childTraceparent(incoming.traceparent, random), tracestate: incoming.tracestate };
}

/** The header values a service forwards for the headers it received (tracestate omitted when empty). */
export function forwardTraceHeaders(headers: HeaderFields, random: RandomBytes): { traceparent: string; tracestate?: string } {
  const out = continueTrace(extractTraceContext(headers), random);
  const tracestate = formatTracestate(out.tracestate);
  return { traceparent: formatTraceparent(out.traceparent), ...(tracestate === '' ? {} : { tracestate }) };
}
