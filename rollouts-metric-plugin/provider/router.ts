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

/**
 * With a `fallback`, a config that is not `{<known key>: …}` goes to the fallback (the canary judge, whose config is
 * the plugin JSON itself); without one it is a ConfigError naming the problem.
 */
export function routeByConfigKey(providers: Readonly<Record<string, MetricProvider>>, fallback?: MetricProvider): MetricProvider {
  const known = Object.keys(providers);
  const pick = (metric: MetricView): MetricProvider => {
    const c = metric.config;
    const keys = c !== null && typeof c === 'object' && !Array.isArray(c) ? Object.keys(c) : [];
    if (fallback && !(keys.length === 1 && known.includes(keys[0] as string))) return fallback;
    return providers[providerKey(c, known)] as MetricProvider;
  };
  return {
    run: async (ctx) => pick(ctx.metric).run(ctx),
    resume: async (ctx) => pick(ctx.metric).resume(ctx),
    terminate: async (ctx) => pick(ctx.metric).terminate(ctx),
    metadata: async (ctx) => pick(ctx.metric).metadata(ctx),
    garbageCollect: async (ctx) => pick(ctx.metric).garbageCollect(ctx),
  };
}
