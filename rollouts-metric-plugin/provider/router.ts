// One plugin, several providers: the metric's plugin config names its provider by its single top-level key
// ({"fixed": {…}}, later e.g. {"canary": {…}}), and every call goes to that provider with the context unchanged.
import { ConfigError } from './types.js';
import type { MetricProvider, MetricView } from './types.js';

export function providerKey(config: unknown, known: readonly string[]): string {
  const keys = config !== null && typeof config === 'object' && !Array.isArray(config) ? Object.keys(config) : [];
  const expected = `expected an object with exactly one of the keys: ${known.join(', ')}`;
  if (keys.length !== 1) throw new ConfigError(`plugin config: ${expected}`);
  const [key] = keys as [string];
  if (!known.includes(key)) throw new ConfigError(`plugin config: unknown provider "${key}"; ${expected}`);
  return key;
}

export function routeByConfigKey(providers: Readonly<Record<string, MetricProvider>>): MetricProvider {
  const known = Object.keys(providers);
  const pick = (metric: MetricView): MetricProvider => providers[providerKey(metric.config, known)] as MetricProvider;
  return {
    run: async (ctx) => pick(ctx.metric).run(ctx),
    resume: async (ctx) => pick(ctx.metric).resume(ctx),
    terminate: async (ctx) => pick(ctx.metric).terminate(ctx),
    metadata: async (ctx) => pick(ctx.metric).metadata(ctx),
    garbageCollect: async (ctx) => pick(ctx.metric).garbageCollect(ctx),
  };
}
