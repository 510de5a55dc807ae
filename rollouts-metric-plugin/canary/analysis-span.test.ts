import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Verdict } from '../judge/verdict.js';
import { recordAnalysisSpan, type AnalysisSpanInput } from './analysis-span.js';

const verdict: Verdict = {
  phase: 'Failed',
  score: 0,
  message: 'error-rate (critical) canary 9% vs stable 1%',
  decidingCheck: 'error-rate',
  checks: [],
  requests: { canary: 500, stable: 500 },
  mode: 'label',
  metric: 'http_server_request_duration_seconds',
  baseline: 'stable',
  window: { start: 1_764_590_000, end: 1_764_590_300 },
};

const input: AnalysisSpanInput = {
  run: { name: 'shop-canary-1', namespace: 'shop', uid: 'u1', labels: { 'rollouts-pod-template-hash': 'c4n4ry' }, annotations: {}, args: {} },
  metric: { name: 'canary', successCondition: '', failureCondition: '', interval: '', pluginName: 'argo-otel/canary-judge', config: {} },
  verdict,
  phase: 'Failed',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  startTime: new Date('2026-12-01T12:00:00Z'),
  endTime: new Date('2026-12-01T12:00:01Z'),
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('recordAnalysisSpan', () => {
  it('records one span linked to the deployment trace, with ERROR status for a failed canary', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const ids = recordAnalysisSpan(provider.getTracer('test'), input);
    const [span] = exporter.getFinishedSpans();
    expect(ids).toEqual({ traceId: span?.spanContext().traceId, spanId: span?.spanContext().spanId });
    expect(span?.links[0]?.context.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.status.message).toBe(`canary failed: ${verdict.message}`);
    await provider.shutdown();
  });

  it('a tracer that throws costs nothing but one hclog warning line on stderr', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const broken = {
      startSpan: () => {
        throw new Error('exporter misconfigured');
      },
    } as unknown as Tracer;
    expect(recordAnalysisSpan(broken, input)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      '@level': 'warn',
      '@message': 'analysis span not recorded',
      error: 'exporter misconfigured',
      '@timestamp': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
    });
  });
});
