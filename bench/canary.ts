// Decision latency of the canary judge against real Prometheus, for 1 and 20 routes, beside the raw time of the
// same PromQL (the planned detection + measurement queries sent straight to the HTTP API). Prints a table.
import { trace } from '@opentelemetry/api';
import { canaryJudgeProvider } from '../rollouts-metric-plugin/canary/provider.js';
import { parseJudgeConfig } from '../rollouts-metric-plugin/judge/config.js';
import { planDetection, planQueries } from '../rollouts-metric-plugin/judge/plan.js';
import { silentLogger } from '../rollouts-metric-plugin/log.js';
import { PrometheusClient } from '../rollouts-metric-plugin/prometheus/client.js';
import type { RunContext } from '../rollouts-metric-plugin/provider/types.js';
import { startOtelService, type OtelService, type RouteBehaviour } from '../test/support/otel-http-service.js';
import { startPrometheus } from '../test/support/prometheus.js';

const RUNS = 15;

function quantile(xs: number[], q: number): number {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(q * v.length))] as number;
}

export default async function bench(): Promise<void> {
  const cases = [1, 20];
  const services: OtelService[] = [];
  const jobs: Array<{ job: string; targets: string[] }> = [];
  for (const routes of cases) {
    const table: Record<string, RouteBehaviour> = {};
    for (let i = 0; i < routes; i++) table[`/r${i}`] = { errorRate: 0.005, latency: 0.02 + i * 0.001 };
    const job = `bench-${routes}`;
    const stable = await startOtelService({ serviceName: job, podTemplateHash: `${job}-s`, instanceId: `${job}-s0`, routes: table });
    const canary = await startOtelService({ serviceName: job, podTemplateHash: `${job}-c`, instanceId: `${job}-c0`, routes: table });
    services.push(stable, canary);
    jobs.push({ job, targets: [stable.url, canary.url] });
  }
  const prom = await startPrometheus(jobs);
  try {
    await prom.waitForScrapes(1);
    for (let burst = 0; burst < 5; burst++) {
      for (const s of services) for (let i = 0; i < 20; i++) await s.drive(`/r${i % 20}`, i < 1 ? 400 : 60);
      await new Promise((r) => setTimeout(r, 1100));
    }
    await prom.waitForScrapes(8);
    const provider = canaryJudgeProvider({ tracer: trace.getTracer('bench'), logger: silentLogger });
    console.log('routes | decision p50 | decision p99 | raw PromQL p50 | queries | ratio (decision/raw p50) | phase');
    for (const routes of cases) {
      const job = `bench-${routes}`;
      const args = { 'canary-hash': `${job}-c`, 'stable-hash': `${job}-s` };
      const json = { backend: { address: prom.url }, selection: { matchers: `job="${job}"` }, window: '60s', step: '2s' };
      const ctx = (): RunContext => ({
        signal: AbortSignal.timeout(30_000),
        now: () => new Date(),
        run: { name: 'bench', namespace: 'bench', uid: '', labels: {}, annotations: {}, args },
        metric: { name: 'canary', successCondition: '', failureCondition: '', interval: '1m', pluginName: 'argo-otel/canary-judge', config: json },
      });
      const config = parseJudgeConfig(json, { args, labels: {}, metricName: 'canary' });
      const client = new PrometheusClient({ backend: config.backend });
      const decision: number[] = [];
      const raw: number[] = [];
      let phase = '';
      let queries = 0;
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now();
        phase = (await provider.run(ctx())).phase;
        decision.push(performance.now() - t);
        const now = new Date();
        const detection = planDetection(config, now);
        const plan = planQueries(config, { mode: 'target_info', metric: 'http_server_request_duration' }, now);
        queries = detection.length + plan.queries.length;
        t = performance.now();
        await client.runAll(detection);
        await client.runAll(plan.queries);
        raw.push(performance.now() - t);
      }
      const d50 = quantile(decision, 0.5);
      const r50 = quantile(raw, 0.5);
      console.log(`${String(routes).padStart(6)} | ${d50.toFixed(1).padStart(9)} ms | ${quantile(decision, 0.99).toFixed(1).padStart(9)} ms | ${r50.toFixed(1).padStart(11)} ms | ${String(queries).padStart(7)} | ${(d50 / r50).toFixed(2).padStart(24)}× | ${phase}`);
    }
  } finally {
    await prom.stop();
    for (const s of services) await s.close();
  }
}
