// Every case of the W3C Trace Context conformance harness (w3c/trace-context test/test.py at acab820, 41 tests,
// STRICT_LEVEL 2, SPEC_LEVEL 2), replayed against extractTraceContext + continueTrace: each request's headers go
// in, and the outgoing context is checked the way the harness checks the callback it receives.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { continueTrace, extractTraceContext, type HeaderFields } from './propagation.js';
import { formatTraceparent, parseTraceparent, TraceFlags } from './traceparent.js';
import { formatTracestate } from './tracestate.js';

const ID = '12345678901234567890123456789012';
const PARENT = '1234567890123456';
const TP01 = `00-${ID}-${PARENT}-01`;
const TP00 = `00-${ID}-${PARENT}-00`;

interface Expectation {
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

interface Request {
  headers: HeaderFields;
  callbacks?: number;
  expect: Expectation;
}

const req = (headers: HeaderFields, expectation: Expectation, callbacks?: number): Request => ({
  headers,
  expect: expectation,
  ...(callbacks === undefined ? {} : { callbacks }),
});
const tp = (value: string): [string, string] => ['traceparent', value];
const ts = (value: string): [string, string] => ['tracestate', value];
const newTrace = (value: string): Request => req([tp(value)], { traceIdNot: [ID] });

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

const harness: ReadonlyArray<readonly [string, Request[]]> = [
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

describe('W3C trace-context harness (test/test.py)', () => {
  it('lists all 41 harness tests once', () => {
    const names = harness.map(([name]) => name);
    expect(new Set(names).size).toBe(41);
  });

  it.each(harness)('%s', (_name, requests) => {
    for (const request of requests) {
      const incoming = extractTraceContext(request.headers);
      // One outgoing context per callback the service makes; each callback continues the same incoming one.
      const callbacks = Array.from({ length: request.callbacks ?? 1 }, () => continueTrace(incoming, randomBytes));
      for (const out of callbacks) {
        // The harness first re-parses the traceparent it receives: it must be valid version 00.
        const header = formatTraceparent(out.traceparent);
        expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
        expect(parseTraceparent(header).ok).toBe(true);
        const e = request.expect;
        if (e.traceId !== undefined) expect(out.traceparent.traceId).toBe(e.traceId);
        for (const not of e.traceIdNot ?? []) expect(out.traceparent.traceId).not.toBe(not);
        if (e.parentIdNot !== undefined) expect(out.traceparent.parentId).not.toBe(e.parentIdNot);
        if (e.randomFlag) expect(out.traceparent.flags & TraceFlags.random).toBe(TraceFlags.random);
        const state = new Map(out.tracestate.map((entry) => [entry.key, entry.value]));
        for (const [key, value] of Object.entries(e.tracestateHas ?? {})) expect(state.get(key)).toBe(value);
        for (const key of e.tracestateLacks ?? []) expect(state.has(key)).toBe(false);
        if (e.tracestateSize !== undefined) expect(state.size).toBe(e.tracestateSize);
        const formatted = formatTracestate(out.tracestate, Number.POSITIVE_INFINITY);
        if (e.tracestateOrder) {
          const positions = e.tracestateOrder.map((s) => formatted.indexOf(s));
          expect(positions.every((p) => p >= 0)).toBe(true);
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        }
        if (e.tracestateOneOf) expect(e.tracestateOneOf.some((s) => formatted.includes(s))).toBe(true);
      }
      if (request.expect.distinctTraceIds !== undefined) {
        expect(new Set(callbacks.map((c) => c.traceparent.traceId)).size).toBe(request.expect.distinctTraceIds);
      }
      if (request.expect.distinctParentIds !== undefined) {
        expect(new Set(callbacks.map((c) => c.traceparent.parentId)).size).toBe(request.expect.distinctParentIds);
      }
    }
  });
});
