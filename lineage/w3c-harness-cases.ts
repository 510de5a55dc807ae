// Every case of the W3C Trace Context conformance harness (w3c/trace-context test/test.py at acab820, 41 tests,
// STRICT_LEVEL 2, SPEC_LEVEL 2) as data, plus the checks the harness makes on the callbacks it receives. Used by
// the unit test (against our propagation) and by bench/lineage.ts (against @opentelemetry/core, for comparison).
import type { HeaderFields } from './propagation.js';
import { parseTraceparent, TraceFlags } from './traceparent.js';
import { parseTracestate } from './tracestate.js';

const ID = '12345678901234567890123456789012';
const PARENT = '1234567890123456';
const TP01 = `00-${ID}-${PARENT}-01`;
const TP00 = `00-${ID}-${PARENT}-00`;

export interface Expectation {
  /** Outgoing trace-id must equal this (the trace was continued). */
  traceId?: string;
  /** Outgoing trace-id must differ from each of these (a new trace was started). */
  traceIdNot?: string[];
  parentIdNot?: string;
  randomFlag?: boolean;
  tracestateHas?: Record<string, string>;
  tracestateLacks?: string[];
  tracestateSize?: number;
  /** Substrings of the formatted tracestate, in this left-to-right order. */
  tracestateOrder?: string[];
  /** At least one of these substrings appears in the formatted tracestate. */
  tracestateOneOf?: string[];
  /** With `callbacks` > 1: how many distinct trace-ids / parent-ids the callbacks carried. */
  distinctTraceIds?: number;
  distinctParentIds?: number;
}

export interface HarnessRequest {
  headers: HeaderFields;
  callbacks?: number;
  expect: Expectation;
}

const req = (headers: HeaderFields, expectation: Expectation, callbacks?: number): HarnessRequest => ({
  headers,
  expect: expectation,
  ...(callbacks === undefined ? {} : { callbacks }),
});
const tp = (value: string): [string, string] => ['traceparent', value];
const ts = (value: string): [string, string] => ['tracestate', value];
const newTrace = (value: string): HarnessRequest => req([tp(value)], { traceIdNot: [ID] });

const lcalpha = 'abcdefghijklmnopqrstuvwxyz';
const keyWithoutVendor = `${lcalpha}0123456789_-*/`;
const keyWithVendor = `${keyWithoutVendor}@a-z0-9_-*/`;
const chars = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');
const allValueChars = chars(0x20, 0x2b) + chars(0x2d, 0x3c) + chars(0x3e, 0x7e);
const bars = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const n = String(from + i).padStart(2, '0');
    return `bar${n}=${n}`;
  }).join(',');

export const W3C_HARNESS: ReadonlyArray<readonly [string, HarnessRequest[]]> = [
  // TraceContextTest
  ['test_both_traceparent_and_tracestate_missing', [req([], {})]],
  ['test_traceparent_included_tracestate_missing', [req([tp(TP01)], { traceId: ID, parentIdNot: PARENT })]],
  [
    'test_traceparent_duplicated',
    [
      req([tp(`00-${ID.slice(0, 30)}11-${PARENT}-01`), tp(TP01)], {
        traceIdNot: [`${ID.slice(0, 30)}11`, ID],
      }),
    ],
  ],
  [
    'test_traceparent_header_name',
    [req([['trace-parent', TP01]], { traceIdNot: [ID] }), req([['trace.parent', TP01]], { traceIdNot: [ID] })],
  ],
  [
    'test_traceparent_header_name_valid_casing',
    ['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT'].map((name) => req([[name, TP01]], { traceId: ID })),
  ],
  ['test_traceparent_version_0x00', [newTrace(`${TP01}.`), newTrace(`${TP01}-what-the-future-will-be-like`)]],
  [
    'test_traceparent_version_0xcc',
    [
      req([tp(`cc-${ID}-${PARENT}-01`)], { traceId: ID }),
      req([tp(`cc-${ID}-${PARENT}-01-what-the-future-will-be-like`)], { traceId: ID }),
      newTrace(`cc-${ID}-${PARENT}-01.what-the-future-will-be-like`),
    ],
  ],
  ['test_traceparent_version_0xff', [newTrace(`ff-${ID}-${PARENT}-01`)]],
  ['test_traceparent_version_illegal_characters', [newTrace(`.0-${ID}-${PARENT}-01`), newTrace(`0.-${ID}-${PARENT}-01`)]],
  ['test_traceparent_version_too_long', [newTrace(`000-${ID}-${PARENT}-01`), newTrace(`0000-${ID}-${PARENT}-01`)]],
  ['test_traceparent_version_too_short', [newTrace(`0-${ID}-${PARENT}-01`)]],
  [
    'test_traceparent_trace_id_all_zero',
    [req([tp(`00-${'0'.repeat(32)}-${PARENT}-01`)], { traceIdNot: ['0'.repeat(32)] })],
  ],
  [
    'test_traceparent_trace_id_illegal_characters',
    [
      req([tp(`00-.${ID.slice(1)}-${PARENT}-01`)], { traceIdNot: [`.${ID.slice(1)}`] }),
      req([tp(`00-${ID.slice(0, 31)}.-${PARENT}-01`)], { traceIdNot: [`${ID.slice(0, 31)}.`] }),
    ],
  ],
  [
    'test_traceparent_trace_id_too_long',
    [req([tp(`00-${ID}3-${PARENT}-01`)], { traceIdNot: [`${ID}3`, ID, `${ID.slice(1)}3`] })],
  ],
  [
    'test_traceparent_trace_id_too_short',
    [req([tp(`00-${ID.slice(0, 31)}-${PARENT}-01`)], { traceIdNot: [ID.slice(0, 31)] })],
  ],
  ['test_traceparent_parent_id_all_zero', [newTrace(`00-${ID}-${'0'.repeat(16)}-01`)]],
  [
    'test_traceparent_parent_id_illegal_characters',
    [newTrace(`00-${ID}-.${PARENT.slice(1)}-01`), newTrace(`00-${ID}-${PARENT.slice(0, 15)}.-01`)],
  ],
  ['test_traceparent_parent_id_too_long', [newTrace(`00-${ID}-${PARENT}7-01`)]],
  ['test_traceparent_parent_id_too_short', [newTrace(`00-${ID}-${PARENT.slice(0, 15)}-01`)]],
  ['test_traceparent_trace_flags_illegal_characters', [newTrace(`00-${ID}-${PARENT}-.0`), newTrace(`00-${ID}-${PARENT}-0.`)]],
  ['test_traceparent_trace_flags_too_long', [newTrace(`00-${ID}-${PARENT}-001`)]],
  ['test_traceparent_trace_flags_too_short', [newTrace(`00-${ID}-${PARENT}-1`)]],
  [
    'test_traceparent_ows_handling',
    [` ${TP01}`, `\t${TP01}`, `${TP01} `, `${TP01}\t`, `\t ${TP01} \t`].map((v) => req([tp(v)], { traceId: ID })),
  ],
  [
    'test_tracestate_included_traceparent_missing',
    [req([ts('foo=1')], { tracestateSize: 0 }), req([ts('foo=1,bar=2')], { tracestateSize: 0 })],
  ],
  [
    'test_tracestate_included_traceparent_included',
    [req([tp(TP00), ts('foo=1,bar=2')], { traceId: ID, tracestateHas: { foo: '1', bar: '2' } })],
  ],
  [
    'test_tracestate_header_name',
    [
      req([tp(TP00), ['trace-state', 'foo=1']], { tracestateLacks: ['foo'] }),
      req([tp(TP00), ['trace.state', 'foo=1']], { tracestateLacks: ['foo'] }),
    ],
  ],
  [
    'test_tracestate_header_name_valid_casing',
    ['TraceState', 'TrAcEsTaTe', 'TRACESTATE'].map((name) =>
      req([tp(TP00), [name, 'foo=1']], { tracestateHas: { foo: '1' } }),
    ),
  ],
  [
    'test_tracestate_empty_header',
    [
      req([tp(TP00), ts('')], { traceId: ID, tracestateSize: 0 }),
      req([tp(TP00), ts('foo=1'), ts('')], { traceId: ID, tracestateHas: { foo: '1' } }),
      req([tp(TP00), ts(''), ts('foo=1')], { traceId: ID, tracestateHas: { foo: '1' } }),
    ],
  ],
  [
    'test_tracestate_multiple_headers_different_keys',
    [
      req([tp(TP00), ts('foo=1,bar=2'), ts('rojo=1,congo=2'), ts('baz=3')], {
        traceId: ID,
        tracestateOrder: ['foo=1', 'bar=2', 'rojo=1', 'congo=2', 'baz=3'],
      }),
    ],
  ],
  [
    'test_tracestate_duplicated_keys',
    [
      req([tp(TP00), ts('foo=1,foo=1')], { traceId: ID, tracestateOneOf: ['foo=1'] }),
      req([tp(TP00), ts('foo=1,foo=2')], { traceId: ID, tracestateOneOf: ['foo=1', 'foo=2'] }),
      req([tp(TP00), ts('foo=1'), ts('foo=1')], { traceId: ID, tracestateOneOf: ['foo=1'] }),
      req([tp(TP00), ts('foo=1'), ts('foo=2')], { traceId: ID, tracestateOneOf: ['foo=1', 'foo=2'] }),
    ],
  ],
  [
    'test_tracestate_all_allowed_characters',
    [
      req([tp(TP00), ts(`${keyWithoutVendor}=${allValueChars}`)], { tracestateHas: { [keyWithoutVendor]: allValueChars } }),
      req([tp(TP00), ts(`${keyWithVendor}=${allValueChars}`)], { tracestateHas: { [keyWithVendor]: allValueChars } }),
    ],
  ],
  [
    'test_tracestate_ows_handling',
    [
      req([tp(TP00), ts('foo=1 \t , \t bar=2, \t baz=3')], { tracestateHas: { foo: '1', bar: '2', baz: '3' } }),
      req([tp(TP00), ts('foo=1\t \t,\t \tbar=2,\t \tbaz=3')], { tracestateHas: { foo: '1', bar: '2', baz: '3' } }),
      ...[' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t'].map((v) =>
        req([tp(TP00), ts(v)], { traceId: ID, tracestateHas: { foo: '1' } }),
      ),
    ],
  ],
  [
    'test_tracestate_key_illegal_characters',
    [
      req([tp(TP00), ts('foo =1')], { tracestateLacks: ['foo '] }),
      req([tp(TP00), ts('FOO=1')], { tracestateLacks: ['FOO'] }),
      req([tp(TP00), ts('foo.bar=1')], { tracestateLacks: ['foo.bar'] }),
    ],
  ],
  [
    'test_tracestate_key_illegal_vendor_format',
    [
      req([tp(TP00), ts('foo@=1,bar=2')], { tracestateHas: { 'foo@': '1', bar: '2' } }),
      req([tp(TP00), ts('@foo=1,bar=2')], { tracestateLacks: ['bar'] }),
      req([tp(TP00), ts('foo@@bar=1,bar=2')], { tracestateHas: { 'foo@@bar': '1', bar: '2' } }),
      req([tp(TP00), ts('foo@bar@baz=1,bar=2')], { tracestateHas: { 'foo@bar@baz': '1', bar: '2' } }),
    ],
  ],
  [
    'test_tracestate_member_count_limit',
    [
      req([tp(TP00), ts(bars(1, 10)), ts(bars(11, 20)), ts(bars(21, 30)), ts(bars(31, 32))], {
        tracestateHas: { bar01: '01' },
        tracestateSize: 32,
      }),
      req([tp(TP00), ts(bars(1, 10)), ts(bars(11, 20)), ts(bars(21, 30)), ts(bars(31, 33))], {
        tracestateLacks: ['bar01'],
      }),
    ],
  ],
  [
    'test_tracestate_key_length_limit',
    [
      req([tp(TP00), ts('foo=1'), ts(`${'z'.repeat(256)}=1`)], { tracestateHas: { foo: '1', ['z'.repeat(256)]: '1' } }),
      req([tp(TP00), ts('foo=1'), ts(`${'z'.repeat(257)}=1`)], { tracestateLacks: ['foo'] }),
      ...[`${'t'.repeat(241)}@${'v'.repeat(14)}`, `${'t'.repeat(242)}@v`, `t@${'v'.repeat(15)}`].map((key) =>
        req([tp(TP00), ts('foo=1'), ts(`${key}=1`)], { tracestateHas: { foo: '1', [key]: '1' } }),
      ),
    ],
  ],
  [
    'test_tracestate_value_illegal_characters',
    [
      req([tp(TP00), ts('foo=bar=baz')], { tracestateLacks: ['foo'] }),
      req([tp(TP00), ts('foo=,bar=3')], { tracestateLacks: ['foo', 'bar'] }),
    ],
  ],
  // AdvancedTest
  [
    'test_multiple_requests_with_valid_traceparent',
    [req([tp(TP01)], { traceId: ID, distinctTraceIds: 1, distinctParentIds: 3 }, 3)],
  ],
  ['test_multiple_requests_without_traceparent', [req([], { distinctParentIds: 3 }, 3)]],
  [
    'test_multiple_requests_with_illegal_traceparent',
    [req([tp(`00-${'0'.repeat(32)}-${PARENT}-01`)], { traceIdNot: ['0'.repeat(32)], distinctParentIds: 3 }, 3)],
  ],
  // TraceContext2Test
  [
    'test_propagates_random_flag',
    [req([tp(`00-${ID}-${PARENT}-02`)], { traceId: ID, parentIdNot: PARENT, randomFlag: true })],
  ],
];


/** What the service under test sends on, as header values (what the harness receives in its callback). */
export interface Callback {
  traceparent: string;
  tracestate?: string;
}

/** A service under test: receives the request's headers, returns what it forwards. Called once per callback. */
export type HarnessService = (headers: HeaderFields) => Callback;

/** Runs one request and returns every harness assertion that fails (empty = the request passes). */
export function runHarnessRequest(service: HarnessService, request: HarnessRequest): string[] {
  const failures: string[] = [];
  const e = request.expect;
  const seen = Array.from({ length: request.callbacks ?? 1 }, () => service(request.headers));
  const parsed = [];
  for (const callback of seen) {
    const tp = parseTraceparent(callback.traceparent);
    if (!tp.ok || tp.value.version !== 0) {
      failures.push(`callback traceparent ${JSON.stringify(callback.traceparent)} is not valid version 00`);
      continue;
    }
    parsed.push(tp.value);
    const t = tp.value;
    if (e.traceId !== undefined && t.traceId !== e.traceId) failures.push(`trace-id ${t.traceId}, expected ${e.traceId}`);
    for (const not of e.traceIdNot ?? []) if (t.traceId === not) failures.push(`trace-id ${t.traceId} was kept`);
    if (e.parentIdNot !== undefined && t.parentId === e.parentIdNot) failures.push('parent-id was not replaced');
    if (e.randomFlag && (t.flags & TraceFlags.random) === 0) failures.push('random flag not propagated');
    const formatted = callback.tracestate ?? '';
    const state = parseTracestate(formatted);
    const entries = new Map(state.ok ? state.value.entries.map((x) => [x.key, x.value] as const) : []);
    if (!state.ok) failures.push(`callback tracestate is invalid: ${state.problem}`);
    for (const [key, value] of Object.entries(e.tracestateHas ?? {})) {
      if (entries.get(key) !== value) failures.push(`tracestate lacks ${key}=${value.slice(0, 20)}`);
    }
    for (const key of e.tracestateLacks ?? []) if (entries.has(key)) failures.push(`tracestate still has ${key}`);
    if (e.tracestateSize !== undefined && entries.size !== e.tracestateSize) {
      failures.push(`tracestate has ${entries.size} members, expected ${e.tracestateSize}`);
    }
    if (e.tracestateOrder) {
      const positions = e.tracestateOrder.map((s) => formatted.indexOf(s));
      if (positions.some((p) => p < 0) || positions.some((p, i) => i > 0 && p < (positions[i - 1] ?? 0))) {
        failures.push(`tracestate order is not ${e.tracestateOrder.join(',')}`);
      }
    }
    if (e.tracestateOneOf && !e.tracestateOneOf.some((s) => formatted.includes(s))) {
      failures.push(`tracestate has none of ${e.tracestateOneOf.join(' | ')}`);
    }
  }
  if (e.distinctTraceIds !== undefined && new Set(parsed.map((p) => p.traceId)).size !== e.distinctTraceIds) {
    failures.push(`expected ${e.distinctTraceIds} distinct trace-ids`);
  }
  if (e.distinctParentIds !== undefined && new Set(parsed.map((p) => p.parentId)).size !== e.distinctParentIds) {
    failures.push(`expected ${e.distinctParentIds} distinct parent-ids`);
  }
  return failures;
}

/** The failing harness tests for a service, with their first failure. */
export function runHarness(service: HarnessService): Array<{ test: string; failure: string }> {
  return W3C_HARNESS.flatMap(([test, requests]) => {
    const failure = requests.flatMap((r) => runHarnessRequest(service, r))[0];
    return failure === undefined ? [] : [{ test, failure }];
  });
}
