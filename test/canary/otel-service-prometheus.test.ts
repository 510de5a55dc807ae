// The test services against real Prometheus: OTel histogram series, target_info with the pod-template-hash
// resource attribute, and trace-id exemplars all arrive through a real scrape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtelService, type OtelService } from '../support/otel-http-service.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

let service: OtelService;
let prom: RunningPrometheus;

async function query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const body = (await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  expect(body.status).toBe('success');
  return body.data.result;
}

beforeAll(async () => {
  service = await startOtelService({ serviceName: 'checkout', podTemplateHash: 'abc123', instanceId: 'pod-1', routes: { '/predict': { errorRate: 0.1, latency: 0.04 } } });
  await service.drive('/predict', 200);
  prom = await startPrometheus([{ job: 'checkout', targets: [service.url] }]);
  await prom.waitForScrapes(2);
});

afterAll(async () => {
  await prom?.stop();
  await service?.close();
});

describe('OTel test service scraped by real Prometheus', () => {
  it('exposes http.server.request.duration with semconv labels (the JS exporter adds no unit suffix)', async () => {
    const r = await query('sum by (http_response_status_code) (http_server_request_duration_count)');
    const total = r.reduce((s, x) => s + Number(x.value[1]), 0);
    expect(total).toBe(200);
    expect(r.map((x) => x.metric['http_response_status_code']).sort()).toEqual(['200', '500']);
  });
  it('puts the pod-template hash on target_info', async () => {
    const r = await query('target_info');
    expect(r[0]?.metric['k8s_pod_label_rollouts_pod_template_hash']).toBe('abc123');
  });
  it('stores trace-id exemplars', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = (await (await fetch(`${prom.url}/api/v1/query_exemplars?query=${encodeURIComponent('http_server_request_duration_bucket')}&start=${now - 120}&end=${now + 10}`)).json()) as { data: Array<{ exemplars: Array<{ labels: Record<string, string> }> }> };
    const ids = body.data.flatMap((g) => g.exemplars.map((e) => e.labels['trace_id']));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id ?? ''))).toBe(true);
  });
});
