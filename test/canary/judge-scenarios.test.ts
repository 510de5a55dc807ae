// The canary judge against real Prometheus scraping real OTel-instrumented services that play stable and canary:
// each scenario's verdict, evidence, exemplar trace ids and analysis span. (test/rollouts drives the same judge
// through the real Argo Rollouts host.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { canaryJudgeProvider } from '../../rollouts-metric-plugin/canary/provider.js';
import { silentLogger } from '../../rollouts-metric-plugin/log.js';
import type { RunContext, Verdict } from '../../rollouts-metric-plugin/provider/types.js';
import { healthyRoute as ok, startCanaryFixture, scenarioHashes as hashes, type CanaryFixture, type CanaryScenario } from './fixture.js';

const DEPLOYMENT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const scenarios: CanaryScenario[] = [
  { name: 'healthy', stable: { '/predict': ok(0.04), '/search': ok(0.02) }, canary: { '/predict': ok(0.04), '/search': ok(0.02) } },
  { name: 'errors', stable: { '/predict': ok(0.04), '/search': ok(0.02) }, canary: { '/predict': { errorRate: 0.09, latency: 0.04 }, '/search': ok(0.02) } },
  { name: 'slow-route', stable: { '/predict': ok(0.04), '/search': ok(0.02) }, canary: { '/predict': ok(0.04), '/search': { errorRate: 0.004, latency: 0.02, slowRate: 0.06, slowLatency: 0.6 } }, promoteHash: true },
  { name: 'low-traffic', stable: { '/predict': ok(0.04) }, canary: { '/predict': ok(0.04) }, canaryRequests: 30 },
];

let fixture: CanaryFixture;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const provider = canaryJudgeProvider({ tracer: tracerProvider.getTracer('test'), logger: silentLogger });

function context(scenario: string, config: Record<string, unknown>): RunContext {
  return {
    signal: AbortSignal.timeout(30_000),
    now: () => new Date(),
    run: {
      name: `${scenario}-analysis`,
      namespace: 'shop',
      uid: 'uid-1',
      labels: { 'rollouts-pod-template-hash': hashes(scenario).canary, 'rollout-type': 'Step', 'step-index': '1' },
      annotations: {},
      args: { 'canary-hash': hashes(scenario).canary, 'stable-hash': hashes(scenario).stable, traceparent: DEPLOYMENT_TRACEPARENT },
    },
    metric: { name: 'canary', successCondition: '', failureCondition: '', interval: '1m', pluginName: 'argo-otel/canary-judge', config },
  };
}

function judgeConfig(scenario: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { backend: { address: fixture.prometheus.url, timeout: '5s' }, selection: { matchers: `job="${scenario}"` }, window: '60s', step: '2s', ...extra };
}

beforeAll(async () => {
  fixture = await startCanaryFixture(scenarios);
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  await tracerProvider.shutdown();
});

async function run(scenario: string, extra: Record<string, unknown> = {}): Promise<Verdict> {
  return provider.run(context(scenario, judgeConfig(scenario, extra)));
}

describe('canary judge on real Prometheus', () => {
  it('healthy canary → Successful, with per-check evidence and a span linked to the deployment trace', async () => {
    const v = await run('healthy');
    expect(v.phase, v.message).toBe('Successful');
    expect(v.metadata?.['selection']).toBe('target_info');
    expect(Number(v.metadata?.['requests.canary'])).toBeGreaterThan(1000);
    expect(v.metadata?.['check.error-rate.outcome']).toBe('pass');
    const span = spans.getFinishedSpans().find((s) => s.attributes['argo_otel.analysis_run.name'] === 'healthy-analysis');
    expect(span?.links[0]?.context.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.attributes['canary.decision']).toBe('Successful');
    expect(typeof span?.attributes['canary.p99.canary_ms']).toBe('number');
    expect(span?.events.map((e) => e.name)).toContain('check error-rate');
    expect(v.metadata?.['analysis.trace_id']).toBe(span?.spanContext().traceId);
  });

  it('error-rate regression → Failed, naming the check, with canary exemplar trace ids of failing requests', async () => {
    const v = await run('errors');
    expect(v.phase, v.message).toBe('Failed');
    expect(v.message).toMatch(/error-rate \(critical\).*canary \d+\.\d+% vs stable 0\.\d+%/);
    expect(v.metadata?.['check.error-rate.pValue']).toBeDefined();
    const ids = v.metadata?.['check.error-rate.exemplarTraceIds']?.split(',') ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  });

  it('p99 regression on one route only → Failed naming that route (promoted-label selection)', async () => {
    const v = await run('slow-route');
    expect(v.metadata?.['selection']).toBe('label');
    expect(v.metadata?.['check.latency-p99.outcome'], v.message).toBe('fail');
    expect(v.metadata?.['check.latency-p99.worstRoute']).toBe('/search');
    expect(v.phase).not.toBe('Successful');
    expect(v.message).toMatch(/\/search/);
  });

  it('too little canary traffic → Inconclusive with the reason', async () => {
    const v = await run('low-traffic');
    expect(v.phase, v.message).toBe('Inconclusive');
    expect(v.message).toMatch(/too little traffic: canary n=\d+/);
  });

  it('classic preset (error rate +0.10 allowed) lets the same regression through that the statistical judge fails', async () => {
    const v = await run('errors', { preset: 'classic', minAnalysisTime: '0s' });
    expect(v.phase, v.message).toBe('Successful');
    expect(v.metadata?.['check.error-rate.test']).toBeUndefined(); // threshold only, no statistics
    expect(Number(v.metadata?.['check.error-rate.canary'])).toBeGreaterThan(Number(v.metadata?.['check.error-rate.stable']) * 5);
  });

  it('an unknown service → Inconclusive: no telemetry, never a silent pass', async () => {
    const v = await provider.run(context('nobody', judgeConfig('nobody')));
    expect(v.phase).toBe('Inconclusive');
    expect(v.message).toMatch(/no telemetry for canary/);
  });

  it('Prometheus stopped → Error with a clear message within the timeout (never Failed)', async () => {
    await fixture.prometheus.stop();
    const started = Date.now();
    const v = await run('healthy');
    expect(v.phase).toBe('Error');
    expect(v.message).toMatch(/unreachable: ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
