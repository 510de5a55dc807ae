import { SpanKind, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it, vi } from 'vitest';
import { pipelineLink, recordGeneration, splitResource } from './generation.js';

describe('pipelineLink', () => {
  it('links to a valid traceparent, keeping tracestate', () => {
    const link = pipelineLink({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'a=1,b=2' });
    expect(link?.context).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(link?.context.traceState?.serialize()).toBe('a=1,b=2');
    expect(link?.attributes).toEqual({ 'opentracing.ref_type': 'follows_from', 'argo_otel.link.kind': 'pipeline' });
  });

  it.each([
    ['absent', undefined],
    ['all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['uppercase', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
    ['version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
  ])('no link when traceparent is %s', (_name, traceparent) => {
    expect(pipelineLink({ traceparent })).toBeUndefined();
  });
});

describe('splitResource', () => {
  it('splits kind/namespace/name and kind/name', () => {
    expect(splitResource('Deployment/demo/web')).toEqual({ kind: 'Deployment', namespace: 'demo', name: 'web' });
    expect(splitResource('ClusterRole/admin')).toEqual({ kind: 'ClusterRole', name: 'admin' });
  });
});

describe('recordGeneration', () => {
  it('uses the app dir name when ARGOCD_APP_NAME is unset, and records INTERNAL for the CLI', () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    recordGeneration(tracer, { input: { appDir: '/repo/apps/web', env: {} }, startTime: 1_764_496_800_000, endTime: 1_764_496_800_500, mode: 'generate' });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('generate web');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes['argo_otel.mode']).toBe('generate');
  });

  it('never throws when the tracer does', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const broken = { startSpan: () => { throw new Error('tracer broke'); } } as unknown as Tracer;
    expect(() => recordGeneration(broken, { input: { appDir: '/a', env: {} }, startTime: 0, endTime: 1, mode: 'generate' })).not.toThrow();
    expect(String(stderr.mock.calls[0]?.[0])).toContain('tracer broke');
    stderr.mockRestore();
  });
});
