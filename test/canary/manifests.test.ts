// The shipped AnalysisTemplate and Rollout, rendered by real kustomize (kubectl kustomize): the plugin key matches
// the controller's plugin config, the steps are 5 → 25 → 50 → 100 gated by the judge, and the plugin JSON — after
// Argo's {{args.*}} substitution — is a valid judge config.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseJudgeConfig } from '../../rollouts-metric-plugin/judge/config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** kustomize as test/setup.d/render-tools.sh builds it (or ARGO_OTEL_KUSTOMIZE_PATH); no fallback, so it fails loudly. */
function kustomize(dir: string): Array<Record<string, any>> {
  const bin = process.env['ARGO_OTEL_KUSTOMIZE_PATH'] ?? `${root}/.cache/bin/kustomize`;
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run test/setup.sh (render-tools.sh builds kustomize)`);
  const out = execFileSync(bin, ['build', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Record<string, any>);
}

/** What Argo Rollouts' ResolveArgs does: marshal the metric, replace {{args.name}} with the value, unmarshal. */
function substituteArgs(value: unknown, args: Record<string, string>): unknown {
  const text = JSON.stringify(value).replace(/\{\{args\.([A-Za-z0-9_-]+)\}\}/g, (_m, name: string) => {
    if (!(name in args)) throw new Error(`unresolved arg ${name}`);
    return JSON.stringify(args[name]).slice(1, -1);
  });
  return JSON.parse(text);
}

describe('canary example manifests', () => {
  const objects = kustomize(`${root}/manifests/examples/canary`);
  const template = objects.find((o) => o['kind'] === 'AnalysisTemplate') as Record<string, any>;
  const rollout = objects.find((o) => o['kind'] === 'Rollout') as Record<string, any>;
  const pluginConfig = parse(readFileSync(`${root}/manifests/rollouts/argo-rollouts-config.yaml`, 'utf8')) as { data: { metricProviderPlugins: string } };
  const pluginNames = (parse(pluginConfig.data.metricProviderPlugins) as Array<{ name: string }>).map((p) => p.name);

  it('uses the plugin name the controller config registers', () => {
    const keys = Object.keys(template['spec']['metrics'][0]['provider']['plugin']);
    expect(keys).toHaveLength(1);
    expect(pluginNames).toContain(keys[0]);
  });

  it('steps 5% → 25% → 50% → 100%, an analysis after each of the first three', () => {
    const steps = rollout['spec']['strategy']['canary']['steps'] as Array<Record<string, any>>;
    expect(steps.filter((s) => 'setWeight' in s).map((s) => s['setWeight'])).toEqual([5, 25, 50, 100]);
    const analyses = steps.filter((s) => 'analysis' in s);
    expect(analyses).toHaveLength(3);
    for (const a of analyses) {
      expect(a['analysis']['templates']).toEqual([{ templateName: template['metadata']['name'] }]);
      const args = Object.fromEntries((a['analysis']['args'] as Array<Record<string, any>>).map((x) => [x['name'], x]));
      expect(args['canary-hash']['valueFrom']).toEqual({ podTemplateHashValue: 'Latest' });
      expect(args['stable-hash']['valueFrom']).toEqual({ podTemplateHashValue: 'Stable' });
      expect(args['traceparent']['valueFrom']['fieldRef']['fieldPath']).toBe("metadata.annotations['argo-otel.io/traceparent']");
    }
  });

  it('the plugin JSON, with args substituted, is a valid judge config', () => {
    const metric = template['spec']['metrics'][0];
    const args = { service: 'shop/checkout-model', 'canary-hash': '7f9c', 'stable-hash': '5d2a', traceparent: '' };
    const config = parseJudgeConfig(substituteArgs(metric['provider']['plugin']['argo-otel/canary-judge'], args), { args, labels: {}, metricName: metric['name'] });
    expect(config.selection).toMatchObject({ canary: '7f9c', stable: '5d2a', matchers: 'job="shop/checkout-model"' });
    expect(config.checks.map((c) => c.name)).toEqual(['request-rate', 'error-rate', 'latency-p99', 'latency-p50', 'prediction-confidence']);
    expect(config.windowSeconds).toBe(300);
  });
});
