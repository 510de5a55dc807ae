// End to end with the real notifications-engine library: our shipped ConfigMap + Secret are parsed by
// api.ParseConfig, the trigger is evaluated, the template rendered and the webhook sent by its webhook service
// (retryablehttp) to our handler over real HTTP; the SYNC span arrives at the real OTLP receiver.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncWebhookHandler, SYNC_EVENTS_PATH } from '../../cmp-plugin/notifications/index.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import { startTracing } from '../../telemetry/tracing.js';
import { otlpEnv, withEnv } from '../telemetry/helpers.js';
import { PIPELINE_SPAN_ID, PIPELINE_TRACE_ID, runEngine, shippedWebhookToken, succeededApplication, type EngineResult } from './fixtures.js';

interface Seen {
  status: number;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

describe('real notifications-engine → webhook handler → OTLP', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function deliver(apps: Record<string, unknown>[], sharedSecret: string): Promise<{ results: EngineResult[][]; seen: Seen[] }> {
    return withEnv(otlpEnv(receiver.endpoint), async () => {
      const tracing = startTracing({ serviceName: 'argo-otel-cmp-server' });
      const handler = createSyncWebhookHandler({ tracer: tracing.tracer, sharedSecret });
      const seen: Seen[] = [];
      const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        res.on('finish', () =>
          seen.push({
            status: res.statusCode,
            authorization: req.headers.authorization,
            contentType: req.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        if (req.url === SYNC_EVENTS_PATH) handler(req, res);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        const results: EngineResult[][] = [];
        for (const app of apps) results.push(await runEngine(app, `http://127.0.0.1:${port}`));
        return { results, seen };
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await tracing.shutdown();
      }
    });
  }

  it('a succeeded sync: one notification, secret substituted, one linked SYNC span; a resend adds no second span', async () => {
    const app = succeededApplication();
    const op = (app.status as { operationState: Record<string, unknown> }).operationState;
    op.startedAt = '2026-11-30T15:00:00Z';
    op.finishedAt = '2026-11-30T15:00:07Z';
    const { results, seen } = await deliver([app, app], shippedWebhookToken());
    // Global subscription and the app's annotation resolve to the same destination, sent once.
    expect(results[0]).toEqual([
      { trigger: 'argo-otel-sync-operation', condition: 0, triggered: false, oncePer: '', destinations: [], error: '' },
      { trigger: 'argo-otel-sync-operation', condition: 1, triggered: true, oncePer: '2026-11-30T15:00:00Z', destinations: ['argo-otel:'], error: '' },
      { trigger: 'argo-otel-sync-operation', condition: 2, triggered: false, oncePer: '', destinations: [], error: '' },
    ]);
    expect(seen.map((s) => s.status)).toEqual([200, 200]);
    expect(seen[0]?.authorization).toBe(`Bearer ${shippedWebhookToken()}`);
    expect(seen[0]?.contentType).toBe('application/json');
    const spans = receiver.spans.filter((s) => s.name === 'SYNC guestbook' && s.startTimeUnixNano === BigInt(Date.parse('2026-11-30T15:00:00Z')) * 1_000_000n);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(OtlpStatusCode.OK);
    expect(spans[0]?.links.map((l) => [l.traceId, l.spanId])).toEqual([[PIPELINE_TRACE_ID, PIPELINE_SPAN_ID]]);
    expect(spans[0]?.attributes['argo_otel.resources.total']).toBe(3);
  });

  it('Running is acknowledged (202 counts as delivered); a wrong secret is a 401 the engine reports, not retries', async () => {
    const running = succeededApplication();
    const op = (running.status as { operationState: Record<string, unknown> }).operationState;
    op.phase = 'Running';
    op.startedAt = '2026-11-30T16:00:00Z';
    delete op.finishedAt;
    delete op.syncResult;
    const ok = await deliver([running], shippedWebhookToken());
    expect(ok.results[0]?.[0]).toMatchObject({ triggered: true, oncePer: '2026-11-30T16:00:00Z', error: '' });
    expect(ok.seen.map((s) => s.status)).toEqual([202]);

    const denied = await deliver([succeededApplication()], 'a-different-secret');
    expect(denied.results[0]?.[1]?.triggered).toBe(true);
    expect(denied.results[0]?.[1]?.error).toContain('401');
    expect(denied.seen.map((s) => s.status)).toEqual([401]);
  });
});
