import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { OverridableIdGenerator } from '../../telemetry/ids.js';
import { parseSyncEvent, type CompletedPhase, type SyncEvent } from './sync-event.js';
import { resolveSyncLineage } from './sync-lineage.js';
import { recordSyncSpan, syncSpanIds } from './sync-span.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ idGenerator: new OverridableIdGenerator(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('t'), exporter };
}

function event(patch: Record<string, unknown> = {}): SyncEvent & { phase: CompletedPhase } {
  return parseSyncEvent({
    app: 'web',
    appNamespace: 'argocd',
    phase: 'Succeeded',
    startedAt: '2026-11-30T10:00:00Z',
    finishedAt: '2026-11-30T10:00:00Z',
    ...patch,
  }) as SyncEvent & { phase: CompletedPhase };
}

describe('recordSyncSpan', () => {
  it('derives the ids from the operation: same facts → same ids, another phase or start → other ids', () => {
    const { tracer, exporter } = setup();
    const e = event();
    const a = recordSyncSpan(tracer, e, resolveSyncLineage(e));
    const b = recordSyncSpan(tracer, e, resolveSyncLineage(e));
    expect(a).toEqual(b);
    expect(a).toEqual(syncSpanIds(e));
    expect(syncSpanIds(event({ phase: 'Failed' }))).not.toEqual(a);
    expect(syncSpanIds(event({ startedAt: '2026-11-30T10:00:01Z', finishedAt: '2026-11-30T10:00:02Z' }))).not.toEqual(a);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.spanContext().spanId)).toEqual([a.spanId, a.spanId]);
  });

  it('a sub-second sync (finishedAt == startedAt at second resolution) has zero, not negative, duration', () => {
    const { tracer, exporter } = setup();
    const e = event();
    recordSyncSpan(tracer, e, resolveSyncLineage(e));
    const [span] = exporter.getFinishedSpans();
    expect(span?.duration).toEqual([0, 0]);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.links).toEqual([]);
  });

  it('Error maps to cicd.pipeline.result=error with a status message even when Argo gave none', () => {
    const { tracer, exporter } = setup();
    const e = event({ phase: 'Error', finishedAt: '2026-11-30T10:00:09Z' });
    recordSyncSpan(tracer, e, resolveSyncLineage(e));
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toMatchObject({ 'cicd.pipeline.result': 'error', 'error.type': 'Error', 'cicd.pipeline.action.name': 'SYNC' });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sync error' });
  });
});
