// Real OTLP/gRPC export (OTel SDK exporter → our grpc-js receiver) of the generation span, and export against a
// collector that is down or never answers: the caller's work finishes and shutdown returns within the bounded flush.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, defaultTextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerateError, type GenerateInput, type GenerateResult } from '../../cmp-plugin/types.js';
import { recordGeneration } from '../../telemetry/generation.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import { formatTraceTree } from '../../telemetry/trace-tree.js';
import { startTracing } from '../../telemetry/tracing.js';
import { otlpEnv, withEnv } from './helpers.js';

const PIPELINE_TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const ARGO_TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const input: GenerateInput = {
  appDir: '/tmp/apps/guestbook',
  env: {
    ARGOCD_APP_NAME: 'guestbook',
    ARGOCD_APP_NAMESPACE: 'demo',
    ARGOCD_APP_REVISION: '6f1c0ffee6f1c0ffee6f1c0ffee6f1c0ffee1234',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/org/gitops.git',
    ARGOCD_APP_SOURCE_PATH: 'apps/guestbook',
  },
};

const result: GenerateResult = {
  renderer: 'kustomize',
  objects: [{ kind: 'Deployment' }, { kind: 'Service' }, { kind: 'ConfigMap' }],
  patches: [
    {
      resource: 'Deployment/demo/guestbook',
      operations: [
        { op: 'add', path: '/metadata/annotations/argo-otel.io~1traceparent', value: PIPELINE_TP },
        { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'MODEL_ID', value: 'm-1' } },
      ],
    },
    { resource: 'Job/train', operations: [{ op: 'add', path: '/metadata/annotations', value: {} }] },
  ],
  injected: 2,
  lineage: {
    lineage: {
      traceparent: PIPELINE_TP,
      tracestate: 'vendor=abc',
      modelId: 'm-1',
      datasetVersion: 'ds-7',
      pipelineName: 'train-and-deploy',
      pipelineRunId: 'run-42',
      pipelineRunUrl: 'https://ci.example.com/runs/42',
      environment: 'staging',
    },
    sources: { traceparent: 'commit-trailers', modelId: 'plugin-env' },
    warnings: ['parameters: tracestate ignored'],
  },
  warnings: [],
};

function incomingArgoContext() {
  return new W3CTraceContextPropagator().extract(ROOT_CONTEXT, { traceparent: ARGO_TP }, defaultTextMapGetter);
}

describe('OTLP export to a real receiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('exports the generation span with parent, link, semconv attributes, events and status', async () => {
    const env = otlpEnv(receiver.endpoint, {
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=argocd,k8s.pod.name=repo-0',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=ml-platform,authorization=Bearer%20collector-token',
    });
    await withEnv(env, async () => {
      const tracing = startTracing({ serviceName: 'argo-otel-cmp' });
      expect(tracing.exporters).toEqual(['otlp']);
      recordGeneration(tracing.tracer, {
        input,
        result,
        startTime: Date.parse('2026-11-30T10:00:00Z'),
        endTime: Date.parse('2026-11-30T10:00:01.250Z'),
        parent: incomingArgoContext(),
        mode: 'cmp-server',
      });
      await tracing.shutdown();
      expect(tracing.exportFailures()).toBe(0);
    });
    const [span] = await receiver.waitForSpans((s) => s.some((x) => x.name === 'generate guestbook'), 10_000);
    const got = receiver.spans.find((x) => x.name === 'generate guestbook');
    expect(span).toBeDefined();
    if (!got) throw new Error('generate span missing');
    expect(got.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(got.parentSpanId).toBe('00f067aa0ba902b7');
    expect(got.kind).toBe(OtlpSpanKind.SERVER);
    expect(got.endTimeUnixNano - got.startTimeUnixNano).toBe(1_250_000_000n);
    expect(got.links).toEqual([
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceState: 'vendor=abc',
        attributes: { 'opentracing.ref_type': 'follows_from', 'argo_otel.link.kind': 'pipeline' },
        // Span.Link.flags (6): sampled | CONTEXT_HAS_IS_REMOTE | CONTEXT_IS_REMOTE.
        flags: 0x301,
      },
    ]);
    // Span.flags (16): sampled, and the parent (Argo CD's span) is remote.
    expect(got.flags).toBe(0x301);
    expect(got.attributes).toMatchObject({
      'cicd.pipeline.name': 'train-and-deploy',
      'cicd.pipeline.run.id': 'run-42',
      'cicd.pipeline.run.url.full': 'https://ci.example.com/runs/42',
      'vcs.ref.head.revision': '6f1c0ffee6f1c0ffee6f1c0ffee6f1c0ffee1234',
      'vcs.repository.url.full': 'https://git.example.com/org/gitops.git',
      'deployment.environment.name': 'staging',
      'k8s.namespace.name': 'demo',
      'ml.model.id': 'm-1',
      'ml.dataset.version': 'ds-7',
      'argo_otel.resources.total': 3,
      'argo_otel.resources.injected': 2,
      'argo_otel.renderer': 'kustomize',
      'argo_otel.mode': 'cmp-server',
      'argo_otel.app.name': 'guestbook',
      'argo_otel.app.path': 'apps/guestbook',
      'argo_otel.lineage.source': 'commit-trailers,plugin-env',
    });
    expect(got.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'inject',
        {
          'argo_otel.resource': 'Deployment/demo/guestbook',
          'argo_otel.resource.kind': 'Deployment',
          'k8s.namespace.name': 'demo',
          'argo_otel.resource.name': 'guestbook',
          'argo_otel.patch.operations': 2,
        },
      ],
      [
        'inject',
        {
          'argo_otel.resource': 'Job/train',
          'argo_otel.resource.kind': 'Job',
          'argo_otel.resource.name': 'train',
          'argo_otel.patch.operations': 1,
        },
      ],
      ['warning', { 'argo_otel.warning': 'parameters: tracestate ignored' }],
    ]);
    expect(got.status.code).toBe(OtlpStatusCode.OK);
    expect(got.resource).toMatchObject({
      'service.name': 'argo-otel-cmp',
      'service.namespace': 'argocd',
      'k8s.pod.name': 'repo-0',
    });
    expect(got.scope.name).toBe('argo-otel');
    expect(receiver.requestMetadata.at(-1)).toMatchObject({ 'x-tenant': 'ml-platform', authorization: 'Bearer collector-token' });
    const tree = formatTraceTree(receiver.spans);
    expect(tree).toContain('generate guestbook [SERVER] 1.25s ✓');
    expect(tree).toContain('(parent 00f067aa0ba902b7 not in set)');
    expect(tree).toContain('↪ linked to 0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331 (not in set)');
  });

  it('exports a failed generation as a root span with error status and an exception event', async () => {
    await withEnv(otlpEnv(receiver.endpoint, { OTEL_SERVICE_NAME: 'renamed-by-operator' }), async () => {
      const tracing = startTracing({ serviceName: 'argo-otel-generate' });
      recordGeneration(tracing.tracer, {
        input: { ...input, env: { ...input.env, ARGOCD_APP_NAME: 'broken' } },
        error: new GenerateError('kustomization.yaml: unknown field', { file: 'kustomization.yaml', line: 3, reason: 'unknown field' }),
        startTime: Date.now() - 5,
        endTime: Date.now(),
        mode: 'generate',
      });
      await tracing.shutdown();
    });
    await receiver.waitForSpans((s) => s.some((x) => x.name === 'generate broken'), 10_000);
    const got = receiver.spans.find((x) => x.name === 'generate broken');
    if (!got) throw new Error('failed generate span missing');
    expect(got.parentSpanId).toBe('');
    expect(got.flags).toBe(0x101);
    expect(got.links).toEqual([]);
    expect(got.kind).toBe(OtlpSpanKind.INTERNAL);
    expect(got.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'kustomization.yaml: unknown field' });
    expect(got.attributes).toMatchObject({
      'error.type': 'GenerateError',
      'code.file.path': 'kustomization.yaml',
      'code.line.number': 3,
    });
    const exception = got.events.find((e) => e.name === 'exception');
    expect(exception?.attributes).toMatchObject({
      'exception.type': 'GenerateError',
      'exception.message': 'kustomization.yaml: unknown field',
    });
    expect(got.resource['service.name']).toBe('renamed-by-operator');
  });

  it('exports over a unix socket without OTEL_EXPORTER_OTLP_INSECURE (insecure credentials are implied)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otlp-unix-'));
    const unixReceiver = await startOtlpReceiver({ address: `unix://${join(dir, 'otlp.sock')}` });
    try {
      await withEnv(otlpEnv(unixReceiver.endpoint), async () => {
        const tracing = startTracing({ serviceName: 'unix-test' });
        recordGeneration(tracing.tracer, { input, result, startTime: Date.now() - 2, endTime: Date.now(), mode: 'generate' });
        await tracing.shutdown();
        expect(tracing.exportFailures()).toBe(0);
      });
      const spans = await unixReceiver.waitForSpans((s) => s.length >= 1, 10_000);
      expect(spans.map((s) => [s.name, s.resource['service.name'], s.parentSpanId])).toEqual([
        ['generate guestbook', 'unix-test', ''],
      ]);
    } finally {
      await unixReceiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('export when the collector misbehaves', () => {
  async function runAgainst(endpoint: string): Promise<{ elapsedMs: number; failures: number; workDone: boolean }> {
    return withEnv(otlpEnv(endpoint, { ARGO_OTEL_FLUSH_TIMEOUT_MS: '1000' }), async () => {
      const tracing = startTracing({ serviceName: 'misbehaving-collector' });
      expect(tracing.flushTimeoutMs).toBe(1000);
      let workDone = false;
      for (let i = 0; i < 20; i++) {
        recordGeneration(tracing.tracer, { input, result, startTime: Date.now() - 1, endTime: Date.now(), mode: 'generate' });
      }
      workDone = true;
      const started = performance.now();
      await tracing.shutdown();
      return { elapsedMs: performance.now() - started, failures: tracing.exportFailures(), workDone };
    });
  }

  it('collector down (closed port): work finishes, shutdown returns, the failure is counted', async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await runAgainst(`http://127.0.0.1:${port}`);
    console.log(`collector down: shutdown returned after ${outcome.elapsedMs.toFixed(0)} ms (flush budget 1000 ms)`);
    expect(outcome.workDone).toBe(true);
    expect(outcome.failures).toBeGreaterThanOrEqual(1);
    // Generous: proves shutdown returned rather than hanging on the exporter's default 10 s deadline.
    expect(outcome.elapsedMs).toBeLessThan(30_000);
  });

  it('collector accepts TCP and never answers: work finishes, shutdown returns within the bounded flush', async () => {
    const sockets: Socket[] = [];
    const blackHole: Server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    const port = await new Promise<number>((resolve) =>
      blackHole.listen(0, '127.0.0.1', () => resolve((blackHole.address() as { port: number }).port)),
    );
    try {
      const outcome = await runAgainst(`http://127.0.0.1:${port}`);
      console.log(`black-hole collector: shutdown returned after ${outcome.elapsedMs.toFixed(0)} ms (flush budget 1000 ms)`);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
      expect(outcome.workDone).toBe(true);
      expect(outcome.failures).toBeGreaterThanOrEqual(1);
      expect(outcome.elapsedMs).toBeLessThan(30_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });
});
