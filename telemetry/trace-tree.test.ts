import { describe, expect, it } from 'vitest';
import { OtlpSpanKind, OtlpStatusCode, type ReceivedSpan } from './otlp-receiver.js';
import { formatDuration, formatTraceTree } from './trace-tree.js';

const T1 = 'a'.repeat(32);
const T2 = 'b'.repeat(32);

function span(p: Partial<ReceivedSpan> & Pick<ReceivedSpan, 'traceId' | 'spanId' | 'name'>): ReceivedSpan {
  return {
    parentSpanId: '',
    traceState: '',
    kind: OtlpSpanKind.INTERNAL,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 1_500_000_000n,
    attributes: {},
    events: [],
    links: [],
    status: { code: OtlpStatusCode.UNSET, message: '' },
    flags: 1,
    resource: {},
    scope: { name: 'test', version: '' },
    ...p,
  };
}

const pipeline = span({ traceId: T1, spanId: '1'.repeat(16), name: 'pipeline run', kind: OtlpSpanKind.SERVER, endTimeUnixNano: 90_000_000_000n });
const train = span({ traceId: T1, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'train', startTimeUnixNano: 2_000_000_000n, endTimeUnixNano: 2_500_000_000n });
const stamp = span({ traceId: T1, spanId: '3'.repeat(16), parentSpanId: '1'.repeat(16), name: 'stamp', startTimeUnixNano: 3_000_000_000n, endTimeUnixNano: 3_500_000_000n });
const sync = span({
  traceId: T2,
  spanId: '4'.repeat(16),
  name: 'SYNC guestbook',
  kind: OtlpSpanKind.SERVER,
  startTimeUnixNano: 100_000_000_000n,
  endTimeUnixNano: 112_000_000_000n,
  attributes: { 'cicd.pipeline.result': 'failure', 'error.type': 'Failed', ignored: 'x' },
  status: { code: OtlpStatusCode.ERROR, message: 'apply failed' },
  links: [{ traceId: T1, spanId: '1'.repeat(16), traceState: '', attributes: {}, flags: 1 }],
  events: [{ name: 'sync.resource', timeUnixNano: 0n, attributes: {} }],
});

describe('formatTraceTree', () => {
  const expected = [
    `trace ${T1} (3 spans)`,
    '└─ pipeline run [SERVER] 1.5min',
    '   ├─ train [INTERNAL] 500.0ms',
    '   └─ stamp [INTERNAL] 500.0ms',
    `trace ${T2} (1 span)`,
    '└─ SYNC guestbook [SERVER] 12.00s ✗ apply failed  cicd.pipeline.result=failure error.type=Failed events=1',
    `   ↪ linked to ${T1}/${'1'.repeat(16)} (pipeline run)`,
  ].join('\n');

  it('nests children under parents, orders traces and siblings by start, resolves link names', () => {
    expect(formatTraceTree([sync, stamp, train, pipeline])).toBe(expected);
  });

  it('is independent of input order and collapses identical span ids (duplicate deliveries)', () => {
    expect(formatTraceTree([pipeline, train, stamp, sync, sync])).toBe(expected);
    expect(formatTraceTree([train, sync, pipeline, stamp])).toBe(expected);
  });

  it('marks orphans and unresolvable links', () => {
    const text = formatTraceTree([train, { ...sync, links: [{ traceId: T2, spanId: 'f'.repeat(16), traceState: '', attributes: {}, flags: 0 }] }]);
    expect(text).toContain(`└─ train [INTERNAL] 500.0ms  (parent ${'1'.repeat(16)} not in set)`);
    expect(text).toContain(`↪ linked to ${T2}/${'f'.repeat(16)} (not in set)`);
  });

  it('returns an empty string for no spans', () => {
    expect(formatTraceTree([])).toBe('');
  });
});

describe('formatDuration', () => {
  it.each([
    [999n, '1µs'],
    [1_500_000n, '1.5ms'],
    [2_340_000_000n, '2.34s'],
    [120_000_000_000n, '2.0min'],
    [-1n, '?'],
  ])('%s ns → %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });
});
