import { describe, expect, it } from 'vitest';
import { OtlpSpanKind, type ReceivedSpan } from '../../telemetry/otlp-receiver.js';
import type { PipelineRun } from './pipeline.js';
import { SAMPLE } from './sample.js';
import { expectedSpans } from './trace.js';

const pipeline: PipelineRun = { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), end: () => {} };
const toRun = { traceId: pipeline.traceId, spanId: pipeline.spanId, traceState: '', attributes: {}, flags: 0 };

function span(name: string, fields: Partial<ReceivedSpan> = {}): ReceivedSpan {
  return {
    traceId: 'c'.repeat(32), spanId: `${name.length.toString(16).padStart(2, '0')}${'0'.repeat(14)}`, parentSpanId: '', traceState: '', name,
    kind: OtlpSpanKind.INTERNAL, startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: {}, events: [], links: [],
    status: { code: 0, message: '' }, flags: 0, resource: {}, scope: { name: '', version: '' }, ...fields,
  };
}

function thread(): ReceivedSpan[] {
  const client = span('plugin.ConfigManagementPluginService/GenerateManifest', { traceId: 'd'.repeat(32), spanId: '1'.repeat(16), kind: OtlpSpanKind.CLIENT });
  return [
    span('RUN train-and-deploy', { traceId: pipeline.traceId, spanId: pipeline.spanId, kind: OtlpSpanKind.SERVER }),
    span('train model', { traceId: pipeline.traceId, spanId: '2'.repeat(16), parentSpanId: pipeline.spanId }),
    span('generate checkout-model', { spanId: '3'.repeat(16), links: [toRun] }),
    client,
    span('generate checkout-model', { traceId: client.traceId, spanId: '4'.repeat(16), parentSpanId: client.spanId, kind: OtlpSpanKind.SERVER, links: [toRun] }),
    span('SYNC checkout-model', { spanId: '5'.repeat(16), kind: OtlpSpanKind.SERVER, links: [toRun] }),
    span('canary.analysis', { spanId: '6'.repeat(16), links: [toRun] }),
    span('GET /predict', { spanId: '7'.repeat(16), kind: OtlpSpanKind.SERVER, resource: { 'service.name': SAMPLE.app, 'ml.model.id': SAMPLE.modelId } }),
    span('GET /predict', { spanId: '8'.repeat(16), kind: OtlpSpanKind.SERVER, resource: { 'service.name': SAMPLE.app, 'ml.model.id': SAMPLE.previousModelId } }),
  ];
}

const missing = (spans: ReceivedSpan[], withCanary = true) =>
  expectedSpans(pipeline, withCanary).filter((e) => !spans.some((s) => e.test(s, spans))).map((e) => e.what);

describe('expectedSpans', () => {
  it('accepts the whole thread', () => {
    expect(missing(thread())).toEqual([]);
  });

  it('needs the canary analysis and the pods\' requests only when Prometheus judged a canary', () => {
    const withoutCanary = thread().filter((s) => !s.name.startsWith('canary.analysis') && s.name !== 'GET /predict');
    expect(missing(withoutCanary, false)).toEqual([]);
    expect(missing(withoutCanary, true)).toEqual([
      'canary.analysis (linked to the deployment trace)',
      `a request served by the canary pod (resource ml.model.id=${SAMPLE.modelId}, from the injected OTEL_RESOURCE_ATTRIBUTES)`,
      `a request served by the stable pod (resource ml.model.id=${SAMPLE.previousModelId}, from the injected OTEL_RESOURCE_ATTRIBUTES)`,
    ]);
  });

  it('rejects a mode (b) generation that lost its repo-server parent', () => {
    const spans = thread().filter((s) => s.kind !== OtlpSpanKind.CLIENT);
    expect(missing(spans)).toEqual(['generate checkout-model [mode b] (child of the repo-server span, linked to RUN)']);
  });

  it('rejects spans linked to another span of the pipeline trace', () => {
    const elsewhere = [{ ...toRun, spanId: '9'.repeat(16) }];
    const spans = thread().map((s) => (s.name.startsWith('SYNC') ? { ...s, links: elsewhere } : s));
    expect(missing(spans)).toEqual(['SYNC checkout-model (linked to RUN)']);
  });
});
