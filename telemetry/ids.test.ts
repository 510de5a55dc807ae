import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { OverridableIdGenerator, deterministicIds, withFixedIds } from './ids.js';

describe('deterministicIds', () => {
  it('is a pure function of the key and yields valid W3C ids', () => {
    const a = deterministicIds('app/guestbook/2026-11-30T10:00:00Z/Succeeded');
    expect(deterministicIds('app/guestbook/2026-11-30T10:00:00Z/Succeeded')).toEqual(a);
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(deterministicIds('app/guestbook/2026-11-30T10:00:00Z/Failed').traceId).not.toBe(a.traceId);
  });
});

describe('withFixedIds', () => {
  function provider() {
    const exporter = new InMemorySpanExporter();
    const p = new NodeTracerProvider({ idGenerator: new OverridableIdGenerator(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    return { tracer: p.getTracer('t'), exporter };
  }

  it('gives exactly the one span started inside it the fixed ids; later spans are random', () => {
    const { tracer } = provider();
    const ids = deterministicIds('k');
    const fixed = withFixedIds(ids, () => tracer.startSpan('fixed', { root: true, kind: SpanKind.SERVER }));
    const next = tracer.startSpan('next', { root: true });
    expect(fixed.spanContext()).toMatchObject(ids);
    expect(next.spanContext().traceId).not.toBe(ids.traceId);
    expect(next.spanContext().spanId).not.toBe(ids.spanId);
  });

  it('clears the override even when the callback throws', () => {
    const { tracer } = provider();
    const ids = deterministicIds('boom');
    expect(() => withFixedIds(ids, () => { throw new Error('boom'); })).toThrow('boom');
    expect(tracer.startSpan('after', { root: true }).spanContext().spanId).not.toBe(ids.spanId);
  });
});
