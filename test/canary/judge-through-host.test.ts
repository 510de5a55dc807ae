// The canary judge driven exactly as the Argo Rollouts v1.9.1 controller drives a metric plugin: the real go-plugin
// host (.cache/bin/rollouts-host, `measure` scenario) execs our plugin, sends a realistic AnalysisRun whose args
// carry the canary/stable hashes and the deployment traceparent, and gets the judge's Measurement back — against real
// Prometheus scraping the OTel services, with the analysis span exported to a real OTLP receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import { hostOk, measurement, requireHarness, requireTsPlugin, standaloneTarget } from '../rollouts/harness.js';
import { healthyRoute as ok, scenarioHashes, startCanaryFixture, type CanaryFixture, type CanaryScenario } from './fixture.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const scenarios: CanaryScenario[] = [
  { name: 'host-healthy', stable: { '/predict': ok(0.04) }, canary: { '/predict': ok(0.04) } },
  { name: 'host-errors', stable: { '/predict': ok(0.04) }, canary: { '/predict': { errorRate: 0.1, latency: 0.04 } } },
];

let fixture: CanaryFixture;
let receiver: OtlpReceiver;
const savedEndpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];

beforeAll(async () => {
  requireHarness();
  requireTsPlugin();
  receiver = await startOtlpReceiver();
  // The host passes its environment to the plugin, as the controller does: this is how the plugin finds a collector.
  process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.endpoint;
  fixture = await startCanaryFixture(scenarios);
}, 120_000);

afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  else process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = savedEndpoint;
  await fixture?.stop();
  await receiver?.close();
});

async function measureThroughHost(scenario: string, extraFlags: string[] = []): Promise<ReturnType<typeof measurement>> {
  const h = scenarioHashes(scenario);
  const config = { backend: { address: fixture.prometheus.url, timeout: '5s' }, selection: { matchers: `job="${scenario}"` }, window: '60s', step: '2s' };
  const result = await hostOk('measure', standaloneTarget, ['--config', JSON.stringify(config), '--run-arg', `canary-hash=${h.canary}`, '--run-arg', `stable-hash=${h.stable}`, '--run-arg', `traceparent=${TRACEPARENT}`, ...extraFlags]);
  return measurement(result);
}

describe('canary judge through the real Argo Rollouts host', () => {
  it('healthy canary → Successful, with timestamps set the way the controller expects', async () => {
    const m = await measureThroughHost('host-healthy');
    expect(m.phase, m.message).toBe('Successful');
    expect(m.startedAt).not.toBeNull();
    expect(m.finishedAt).not.toBeNull();
    expect(m.resumeAt).toBeNull();
    expect(JSON.parse(m.value)).toMatchObject({ phase: 'Successful' });
    expect(m.metadata?.['check.error-rate.outcome']).toBe('pass');
  });

  it('error regression → Failed naming error-rate, exemplar trace ids, and an analysis span linked to the deployment trace', async () => {
    const m = await measureThroughHost('host-errors');
    expect(m.phase, m.message).toBe('Failed');
    expect(m.message).toMatch(/error-rate/);
    expect(m.metadata?.['check.error-rate.exemplarTraceIds']).toMatch(/^[0-9a-f]{32}/);
    const spanId = m.metadata?.['analysis.span_id'];
    const spans = await receiver.waitForSpans((all) => all.some((s) => s.spanId === spanId), 10_000);
    const span = spans.find((s) => s.spanId === spanId);
    expect(span?.name).toMatch(/^canary\.analysis/);
    expect(span?.links[0]?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.attributes['canary.decision']).toBe('Failed');
  });

  it("the metric's successCondition/failureCondition are evaluated by the plugin over the judge's result", async () => {
    const lenient = await measureThroughHost('host-errors', ['--success-condition', 'result.checks["error-rate"].n.canary > 100']);
    expect(lenient.phase, lenient.message).toBe('Successful');
    expect(lenient.message).toMatch(/by successCondition \(judge said Failed/);
    const strict = await measureThroughHost('host-healthy', ['--failure-condition', 'result.score < 101']);
    expect(strict.phase, strict.message).toBe('Failed');
  });
});
