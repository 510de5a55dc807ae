// The sync webhook against real peers: bodies rendered from our shipped template by Go text/template + sprig (as
// notifications-engine does), POSTed over real HTTP on 127.0.0.1, spans exported over OTLP/gRPC to our receiver.
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncWebhookHandler, SYNC_EVENTS_PATH } from '../../cmp-plugin/notifications/index.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../telemetry/otlp-receiver.js';
import { formatTraceTree } from '../../telemetry/trace-tree.js';
import { startTracing, type Tracing } from '../../telemetry/tracing.js';
import { otlpEnv, withEnv } from '../telemetry/helpers.js';
import { PIPELINE_SPAN_ID, PIPELINE_TRACE_ID, SYNCED_SHA, renderWithGo, shippedTemplate, succeededApplication } from './fixtures.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { status: string; reason?: string; traceId?: string; spanId?: string; lineageSources?: Record<string, string>; warnings?: string[] };
}

interface Endpoint {
  url: URL;
  close(): Promise<void>;
}

async function serve(handler: ReturnType<typeof createSyncWebhookHandler>): Promise<Endpoint> {
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] === SYNC_EVENTS_PATH) handler(req, res);
    else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}${SYNC_EVENTS_PATH}`),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function post(
  url: URL,
  body: string | Buffer | Buffer[],
  options: { method?: string; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    const req = request(url, { method: options.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) as Reply['json'] });
        } catch {
          reject(new Error(`non-JSON reply ${res.statusCode}: ${text}`));
        }
      });
    });
    // A server that answers 413 before reading everything may reset the socket while we still write.
    req.on('error', reject);
    const parts = Array.isArray(body) ? body : [body];
    if (!options.chunked && !Array.isArray(body)) req.setHeader('content-length', Buffer.byteLength(body));
    for (const p of parts) req.write(p);
    req.end();
  });
}

async function renderedBody(app: Record<string, unknown>): Promise<string> {
  return renderWithGo(shippedTemplate().body, { app });
}

describe('sync webhook → SYNC spans', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  /** Runs fn against a fresh tracing + handler + HTTP server, then flushes so every span is at the receiver. */
  async function withWebhook<T>(
    fn: (endpoint: Endpoint, tracing: Tracing) => Promise<T>,
    options: { sharedSecret?: string; maxBodyBytes?: number } = {},
  ): Promise<T> {
    return withEnv(otlpEnv(receiver.endpoint, { OTEL_SERVICE_NAME: 'argo-otel-cmp-server' }), async () => {
      const tracing = startTracing({ serviceName: 'argo-otel-cmp-server' });
      const endpoint = await serve(createSyncWebhookHandler({ tracer: tracing.tracer, ...options }));
      try {
        return await fn(endpoint, tracing);
      } finally {
        await endpoint.close();
        await tracing.shutdown();
        expect(tracing.exportFailures()).toBe(0);
      }
    });
  }

  const spansOfTrace = (traceId: string): ReceivedSpan[] => receiver.spans.filter((s) => s.traceId === traceId);

  it('the shipped template renders (Go text/template + sprig) to a body that becomes one linked SYNC span', async () => {
    const template = shippedTemplate();
    expect(template.method).toBe('POST');
    expect(template.path).toBe(SYNC_EVENTS_PATH);
    const body = await renderedBody(succeededApplication());
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(parsed).toMatchObject({ schema: 'argo-otel.io/sync-event/v1', app: 'guestbook', phase: 'Succeeded', syncRevision: SYNCED_SHA });

    const reply = await withWebhook(async ({ url }) => post(url, body));
    expect(reply.status).toBe(200);
    expect(reply.json.status).toBe('recorded');
    expect(reply.json.lineageSources).toEqual({
      traceparent: 'commit-trailers',
      tracestate: 'commit-trailers',
      pipelineName: 'commit-trailers',
      pipelineRunId: 'commit-trailers',
      datasetVersion: 'commit-trailers',
      modelId: 'plugin-env',
      environment: 'plugin-env',
      pipelineRunUrl: 'sync-info',
    });
    const traceId = reply.json.traceId ?? '';
    const spans = spansOfTrace(traceId);
    expect(spans).toHaveLength(1);
    const span = spans[0] as ReceivedSpan;
    expect(span.spanId).toBe(reply.json.spanId);
    expect(span.name).toBe('SYNC guestbook');
    expect(span.kind).toBe(OtlpSpanKind.SERVER);
    expect(span.parentSpanId).toBe('');
    expect(span.startTimeUnixNano).toBe(BigInt(Date.parse('2026-11-30T10:00:00Z')) * 1_000_000n);
    expect(span.endTimeUnixNano).toBe(BigInt(Date.parse('2026-11-30T10:00:12Z')) * 1_000_000n);
    expect(span.status.code).toBe(OtlpStatusCode.OK);
    expect(span.links).toHaveLength(1);
    expect(span.links[0]).toMatchObject({ traceId: PIPELINE_TRACE_ID, spanId: PIPELINE_SPAN_ID, traceState: 'ci=run42' });
    expect(span.attributes).toMatchObject({
      'cicd.pipeline.action.name': 'SYNC',
      'cicd.pipeline.result': 'success',
      'cicd.pipeline.name': 'train-and-deploy',
      'cicd.pipeline.run.id': 'run-42',
      'cicd.pipeline.run.url.full': 'https://ci.example.com/runs/42',
      'vcs.ref.head.revision': SYNCED_SHA,
      'vcs.repository.url.full': 'https://git.example.com/org/gitops.git',
      'deployment.environment.name': 'staging',
      'k8s.namespace.name': 'guestbook',
      'ml.model.id': 'fraud-detector-2026-11',
      'ml.dataset.version': 'ds-2026-11-29',
      'argo_otel.app.name': 'guestbook',
      'argo_otel.app.namespace': 'argocd',
      'argo_otel.app.project': 'ml',
      'argo_otel.resources.total': 3,
      'argo_otel.sync.initiated_by': 'ci-bot',
      'argo_otel.health.status': 'Healthy',
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.events.map((e) => [e.name, e.attributes['argo_otel.resource']])).toEqual([
      ['sync.resource', 'Service/guestbook/guestbook-ui'],
      ['sync.resource', 'Deployment/guestbook/guestbook-ui'],
      ['sync.resource', 'Job/guestbook/migrate'],
    ]);
    expect(span.events[2]?.attributes).toMatchObject({ 'argo_otel.resource.hook_type': 'PreSync', 'argo_otel.resource.group': 'batch' });
    const tree = formatTraceTree(spans);
    expect(tree).toContain('SYNC guestbook [SERVER] 12.00s ✓');
    expect(tree).toContain(`↪ linked to ${PIPELINE_TRACE_ID}/${PIPELINE_SPAN_ID}`);
  });

  it('a failed sync becomes an ERROR span with cicd.pipeline.result=failure; sync info beats commit trailers', async () => {
    const app = succeededApplication();
    const op = (app.status as { operationState: Record<string, unknown> }).operationState;
    op.phase = 'Failed';
    op.message = 'one or more objects failed to apply, reason: Deployment "guestbook-ui" is invalid: "quotes" & <tags>\nsecond line';
    op.startedAt = '2026-11-30T11:00:00Z';
    op.finishedAt = '2026-11-30T11:00:03Z';
    op.retryCount = 2;
    const infoTp = '00-11111111111111111111111111111111-2222222222222222-01';
    (op.operation as { info: unknown[] }).info.push({ name: 'traceparent', value: infoTp });
    const body = await renderedBody(app);
    const reply = await withWebhook(async ({ url }) => post(url, body));
    expect(reply.status).toBe(200);
    expect(reply.json.lineageSources?.traceparent).toBe('sync-info');
    const [span] = spansOfTrace(reply.json.traceId ?? '');
    if (!span) throw new Error('failed-sync span not received');
    expect(span.status).toEqual({ code: OtlpStatusCode.ERROR, message: op.message });
    expect(span.attributes).toMatchObject({
      'cicd.pipeline.result': 'failure',
      'error.type': 'Failed',
      'argo_otel.sync.retry_count': 2,
      'argo_otel.sync.message': op.message,
    });
    // Commit trailers' tracestate belongs to the trailers' traceparent, not to the one from sync info.
    expect(span.links).toEqual([
      { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceState: '', attributes: expect.any(Object), flags: expect.any(Number) },
    ]);
  });

  it('Running is acknowledged without a span; duplicates of a completed operation give one span', async () => {
    const running = succeededApplication();
    const op = (running.status as { operationState: Record<string, unknown> }).operationState;
    op.phase = 'Running';
    op.startedAt = '2026-11-30T12:00:00Z';
    delete op.finishedAt;
    delete op.syncResult;
    const runningBody = await renderedBody(running);

    const done = succeededApplication();
    const doneOp = (done.status as { operationState: Record<string, unknown> }).operationState;
    doneOp.startedAt = '2026-11-30T12:00:00Z';
    doneOp.finishedAt = '2026-11-30T12:00:40Z';
    const doneBody = await renderedBody(done);

    const replies = await withWebhook(async ({ url }) => {
      const out: Reply[] = [await post(url, runningBody)];
      // on-sync-succeeded, a notification retry, and on-deployed for the same operation.
      for (let i = 0; i < 3; i++) out.push(await post(url, doneBody));
      return out;
    });
    expect(replies.map((r) => [r.status, r.json.status])).toEqual([
      [202, 'acknowledged'],
      [200, 'recorded'],
      [200, 'duplicate'],
      [200, 'duplicate'],
    ]);
    expect(replies[0]?.json.reason).toContain('Running');
    const ids = new Set(replies.slice(1).map((r) => `${r.json.traceId}/${r.json.spanId}`));
    expect(ids.size).toBe(1);
    expect(spansOfTrace(replies[1]?.json.traceId ?? '')).toHaveLength(1);
  });

  it('two replicas receiving the same operation emit identical ids (recognisably one span)', async () => {
    const app = succeededApplication();
    const op = (app.status as { operationState: Record<string, unknown> }).operationState;
    op.startedAt = '2026-11-30T13:00:00Z';
    op.finishedAt = '2026-11-30T13:00:05Z';
    const body = await renderedBody(app);
    const first = await withWebhook(async ({ url }) => post(url, body));
    const second = await withWebhook(async ({ url }) => post(url, body));
    expect(first.json.status).toBe('recorded');
    expect(second.json.status).toBe('recorded');
    expect(second.json.traceId).toBe(first.json.traceId);
    expect(second.json.spanId).toBe(first.json.spanId);
    const spans = spansOfTrace(first.json.traceId ?? '');
    expect(spans).toHaveLength(2);
    expect(spans[0]?.spanId).toBe(spans[1]?.spanId);
    expect(formatTraceTree(spans)).toContain('(1 span)');
  });

  it('template is nil-safe: never-synced, multi-source and hostile-string apps render valid JSON', async () => {
    const neverSynced = succeededApplication();
    delete (neverSynced.status as Record<string, unknown>).operationState;
    delete (neverSynced.metadata as Record<string, unknown>).annotations;
    const neverBody = JSON.parse(await renderedBody(neverSynced)) as Record<string, unknown>;
    expect(neverBody).toMatchObject({ phase: '', startedAt: '', resources: [], info: [], commitMessage: '' });

    const multi = succeededApplication();
    const spec = multi.spec as Record<string, unknown>;
    spec.sources = [spec.source, { repoURL: 'https://charts.example.com', chart: 'redis', targetRevision: '18.0.0' }];
    delete spec.source;
    const multiBody = JSON.parse(await renderedBody(multi)) as Record<string, unknown>;
    // repo.GetCommitMetadata needs spec.source.repoURL (argo-cd panics otherwise), so the template skips it.
    expect(multiBody.commitMessage).toBe('');
    expect(multiBody.source).toEqual({});
    expect(multiBody.sources).toHaveLength(2);

    const hostile = succeededApplication();
    const message = 'quote " backslash \\ newline \n tab \t html <b>&amp;</b> unicode ✓ \u2028';
    (hostile.status as { operationState: Record<string, unknown> }).operationState.message = message;
    (hostile.metadata as { annotations: Record<string, string> }).annotations['argo-otel.io/model-id'] = 'm-"1"';
    const hostileBody = JSON.parse(await renderedBody(hostile)) as Record<string, unknown>;
    expect(hostileBody.message).toBe(message);
    expect((hostileBody.annotations as Record<string, string>)['argo-otel.io/model-id']).toBe('m-"1"');

    const replies = await withWebhook(async ({ url }) => [
      await post(url, JSON.stringify(neverBody)),
      await post(url, JSON.stringify(multiBody)),
    ]);
    expect(replies[0]?.status).toBe(422);
    expect(replies[0]?.json.reason).toContain('phase');
    expect(replies[1]?.status).toBe(200);
    expect(replies[1]?.json.lineageSources?.modelId).toBe('plugin-env');
  });

  it('rejects missing, wrong and malformed credentials with 401 and accepts the right one', async () => {
    const body = await renderedBody(succeededApplication());
    const replies = await withWebhook(
      async ({ url }) => [
        await post(url, body),
        await post(url, body, { headers: { authorization: 'Bearer wrong-secret' } }),
        await post(url, body, { headers: { authorization: 'Basic czNjcjN0' } }),
        await post(url, body, { headers: { authorization: 'Bearer s3cr3t-longer-than-the-guess' } }),
      ],
      { sharedSecret: 's3cr3t-longer-than-the-guess' },
    );
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 200]);
    expect(replies[0]?.headers['www-authenticate']).toBe('Bearer realm="argo-otel"');
    expect(replies[0]?.json.reason).toContain('Authorization');
  });

  it('concurrent deliveries: 10 operations each sent twice among 20 bad requests → 10 spans, every request answered', async () => {
    const good = JSON.parse(await renderedBody(succeededApplication())) as Record<string, unknown>;
    const ops = Array.from({ length: 10 }, (_v, i) => {
      const minute = String(10 + i).padStart(2, '0');
      return JSON.stringify({ ...good, app: 'concurrent', startedAt: `2026-11-30T17:${minute}:00Z`, finishedAt: `2026-11-30T17:${minute}:30Z` });
    });
    const bodies = [...ops, ...ops, ...Array.from({ length: 20 }, (_v, i) => (i % 2 ? '{"app":' : JSON.stringify({ ...good, phase: 'Nope' })))];
    const replies = await withWebhook(async ({ url }) => Promise.all(bodies.map((b) => post(url, b))));
    const count = (status: string): number => replies.filter((r) => r.json.status === status).length;
    expect({ recorded: count('recorded'), duplicate: count('duplicate'), rejected: count('rejected') }).toEqual({
      recorded: 10,
      duplicate: 10,
      rejected: 20,
    });
    const traceIds = new Set(replies.filter((r) => r.json.status === 'recorded').map((r) => r.json.traceId));
    expect(receiver.spans.filter((s) => s.name === 'SYNC concurrent' && traceIds.has(s.traceId))).toHaveLength(10);
  });

  it('answers every malformed request with a 4xx naming the problem, and keeps serving', async () => {
    const good = JSON.parse(await renderedBody(succeededApplication())) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch });
    const cases: { name: string; send: (url: URL) => Promise<Reply>; status: number; reason: string }[] = [
      { name: 'GET', send: (u) => post(u, '', { method: 'GET' }), status: 405, reason: 'use POST' },
      { name: 'not JSON', send: (u) => post(u, '{"app": "guestbook",'), status: 400, reason: 'not valid JSON' },
      { name: 'empty', send: (u) => post(u, ''), status: 400, reason: 'empty' },
      { name: 'invalid UTF-8', send: (u) => post(u, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), status: 400, reason: 'UTF-8' },
      { name: 'array', send: (u) => post(u, '[1,2]'), status: 422, reason: 'body: must be a JSON object' },
      { name: 'no app', send: (u) => post(u, variant({ app: '' })), status: 422, reason: 'app: is required' },
      { name: 'bad phase', send: (u) => post(u, variant({ phase: 'Done' })), status: 422, reason: 'phase: must be one of' },
      { name: 'bad time', send: (u) => post(u, variant({ startedAt: 'yesterday' })), status: 422, reason: 'startedAt: must be an RFC 3339' },
      { name: 'no finishedAt', send: (u) => post(u, variant({ finishedAt: '' })), status: 422, reason: 'finishedAt: is required when phase is Succeeded' },
      { name: 'wrong type', send: (u) => post(u, variant({ resources: [{ kind: 7 }] })), status: 422, reason: 'resources[0].kind: must be a string' },
      { name: 'bad retryCount', send: (u) => post(u, variant({ retryCount: -1 })), status: 422, reason: 'retryCount' },
      { name: 'other schema', send: (u) => post(u, variant({ schema: 'v0' })), status: 422, reason: 'unsupported' },
      {
        name: 'text/plain',
        send: (u) => post(u, variant({}), { headers: { 'content-type': 'text/plain' } }),
        status: 415,
        reason: 'not JSON',
      },
      { name: 'too large (declared)', send: (u) => post(u, 'x'.repeat(5000)), status: 413, reason: 'larger than the limit of 4096' },
      {
        name: 'too large (chunked)',
        send: (u) => post(u, [Buffer.from('x'.repeat(3000)), Buffer.from('y'.repeat(3000))], { chunked: true }),
        status: 413,
        reason: 'larger than the limit',
      },
    ];
    const results = await withWebhook(
      async ({ url }) => {
        const out: { name: string; reply: Reply }[] = [];
        for (const c of cases) out.push({ name: c.name, reply: await c.send(url) });
        // Still serving after all of them.
        out.push({ name: 'good after bad', reply: await post(url, variant({ startedAt: '2026-11-30T14:00:00Z', finishedAt: '2026-11-30T14:00:01Z' })) });
        return out;
      },
      { maxBodyBytes: 4096 },
    );
    for (const [i, c] of cases.entries()) {
      const got = results[i];
      expect({ name: got?.name, status: got?.reply.status }).toEqual({ name: c.name, status: c.status });
      expect(got?.reply.json.status).toBe('rejected');
      expect(got?.reply.json.reason).toContain(c.reason);
    }
    expect(results[cases.length]?.reply.status).toBe(200);
    expect(results[cases.length]?.reply.json.status).toBe('recorded');
  });
});
