import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.js';

describe('MetricsRegistry', () => {
  let clock = 1_000;
  const registry = new MetricsRegistry('argo-otel-cmp-server', '0.1.0', () => clock);
  registry.increment('cmp.invocations', 'CMP gRPC invocations', { method: 'GenerateManifest', success: 'true', statusCode: 'OK', app: 'guest"book' });
  clock = 2_000;
  registry.increment('cmp.invocations', 'CMP gRPC invocations', { method: 'GenerateManifest', success: 'true', statusCode: 'OK', app: 'guest"book' });
  registry.increment('cmp.invocations', 'CMP gRPC invocations', { method: 'MatchRepository', success: 'false', statusCode: 'UNKNOWN', app: '' });

  it('renders Prometheus text with escaped labels', () => {
    expect(registry.toPrometheus()).toBe(
      [
        '# HELP cmp_invocations_total CMP gRPC invocations',
        '# TYPE cmp_invocations_total counter',
        'cmp_invocations_total{method="GenerateManifest",success="true",statusCode="OK",app="guest\\"book"} 2',
        'cmp_invocations_total{method="MatchRepository",success="false",statusCode="UNKNOWN",app=""} 1',
        '',
      ].join('\n'),
    );
  });

  it('renders the Spinnaker metrics JSON shape', () => {
    expect(registry.toSpinnaker()).toEqual({
      applicationName: 'argo-otel-cmp-server',
      applicationVersion: '0.1.0',
      startTime: 1_000,
      metrics: {
        'cmp.invocations': {
          kind: 'Counter',
          values: [
            { tags: [{ key: 'method', value: 'GenerateManifest' }, { key: 'success', value: 'true' }, { key: 'statusCode', value: 'OK' }, { key: 'app', value: 'guest"book' }], values: [{ t: 2_000, v: 2 }] },
            { tags: [{ key: 'method', value: 'MatchRepository' }, { key: 'success', value: 'false' }, { key: 'statusCode', value: 'UNKNOWN' }, { key: 'app', value: '' }], values: [{ t: 2_000, v: 1 }] },
          ],
        },
      },
    });
  });
});
