// Span and trace ids that can be fixed for one span start, so a span built from the same facts twice (a webhook
// delivered by several replicas or retried) gets the same ids: a repeat is recognisably the same span, not a new one.
import { createHash } from 'node:crypto';
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

interface FixedIds {
  traceId?: string;
  spanId?: string;
}

let pending: FixedIds | undefined;

/**
 * The id generator startTracing installs: random ids, except inside `withFixedIds`. The SDK calls the generator
 * synchronously inside `tracer.startSpan`, and JS runs one thing at a time, so a one-shot override is race-free.
 */
export class OverridableIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    const fixed = pending?.traceId;
    if (pending) pending.traceId = undefined;
    return fixed ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    const fixed = pending?.spanId;
    if (pending) pending.spanId = undefined;
    return fixed ?? this.random.generateSpanId();
  }
}

/**
 * Runs `start` (which must start exactly one span synchronously) with the given ids. Only takes effect when the
 * tracer's provider uses OverridableIdGenerator (startTracing does); otherwise ids stay random.
 */
export function withFixedIds<T>(ids: FixedIds, start: () => T): T {
  pending = { ...ids };
  try {
    return start();
  } finally {
    pending = undefined;
  }
}

/** Deterministic, valid (never all-zero) ids derived from a key: sha256, like Grafana's GitHub Actions exporter. */
export function deterministicIds(key: string): { traceId: string; spanId: string } {
  const digest = createHash('sha256').update(key).digest('hex');
  let traceId = digest.slice(0, 32);
  let spanId = digest.slice(32, 48);
  if (/^0+$/.test(traceId)) traceId = `${traceId.slice(0, 31)}1`;
  if (/^0+$/.test(spanId)) spanId = `${spanId.slice(0, 15)}1`;
  return { traceId, spanId };
}
