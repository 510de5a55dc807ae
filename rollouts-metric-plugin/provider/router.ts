// One plugin, several providers: a metric's plugin config that is `{<known key>: …}` (e.g. {"fixed": {…}}) goes to
// that provider with the context unchanged; any other config goes to the fallback (the canary judge, whose config
// is the plugin JSON itself), or is a ConfigError when there is no fallback.
import { ConfigError } from './types.js';
import type { MetricProvider, MetricView } from './types.js';

/** The config's only top-level key, or undefined when it is not an object with exactly one key. */
function singleKey(config: unknown): string | undefined {
  const keys = config !== null && typeof config === 'object' && !Array.isArray(config) ? Object.keys(config) : [];
  return keys.length === 1 ? keys[0] : undefined;
}

export function providerKey(config: unknown, known: readonly string[]): string {
  const key = singleKey(config);
  const expected = `expected an object with exactly one of the keys: ${known.join(', ')}`;
  if (key === undefined) throw new ConfigError(`plugin config: ${expected}`);
  if (!known.includes(key)) throw new ConfigError(`plugin config: unknown provider "${key}"; ${expected}`);
  return key;
}

export function routeByConfigKey(providers: Readonly<Record<string, MetricProvider>>, fallback?: MetricProvider): MetricProvider {
  const known = Object.keys(providers);
  const pick = (metric: MetricView): MetricProvider => {
    const key = singleKey(metric.config);
    if (fallback && !(key !== undefined && known.includes(key))) return fallback;
    return providers[providerKey(metric.config, known)] as MetricProvider;
  };
  return {
    run: async (ctx) => pick(ctx.metric).run(ctx),
    resume: async (ctx) => pick(ctx.metric).resume(ctx),
    terminate: async (ctx) => pick(ctx.metric).terminate(ctx),
    metadata: async (ctx) => pick(ctx.metric).metadata(ctx),
    garbageCollect: async (ctx) => pick(ctx.metric).garbageCollect(ctx),
  };
}
