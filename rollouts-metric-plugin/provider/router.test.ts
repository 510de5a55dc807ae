import { describe, expect, it } from 'vitest';
import { fixedProvider } from './fixed.js';
import { providerKey, routeByConfigKey } from './router.js';
import type { MetricProvider, RunContext } from './types.js';

const ctx = (config: unknown): RunContext => ({
  signal: new AbortController().signal,
  now: () => new Date(0),
  run: { name: 'ar', namespace: 'ns', uid: '', labels: {}, annotations: {}, args: {} },
  metric: { name: 'm', successCondition: '', failureCondition: '', interval: '', pluginName: 'p', config },
});

describe('provider router', () => {
  const other: MetricProvider = { ...fixedProvider(), run: async () => ({ phase: 'Inconclusive', value: 'other' }) };
  const router = routeByConfigKey({ fixed: fixedProvider(), other });

  it('sends each call to the provider its config names', async () => {
    expect(await router.run(ctx({ fixed: { phase: 'Failed' } }))).toMatchObject({ phase: 'Failed' });
    expect(await router.run(ctx({ other: {} }))).toEqual({ phase: 'Inconclusive', value: 'other' });
  });

  it.each([
    [{}, 'plugin config: expected an object with exactly one of the keys: fixed, other'],
    [[], 'plugin config: expected an object with exactly one of the keys: fixed, other'],
    [{ fixed: {}, other: {} }, 'plugin config: expected an object with exactly one of the keys: fixed, other'],
    [{ canary: {} }, 'plugin config: unknown provider "canary"; expected an object with exactly one of the keys: fixed, other'],
  ])('rejects %j naming the problem', async (config, message) => {
    expect(() => providerKey(config, ['fixed', 'other'])).toThrow(message);
    await expect(router.run(ctx(config))).rejects.toThrow(message);
  });

  it('with a fallback, anything but {<known key>: …} goes to the fallback', async () => {
    const judge: MetricProvider = { ...fixedProvider(), run: async () => ({ phase: 'Successful', value: 'judge' }) };
    const withFallback = routeByConfigKey({ fixed: fixedProvider() }, judge);
    expect(await withFallback.run(ctx({ backend: { address: 'http://p' }, window: '5m' }))).toEqual({ phase: 'Successful', value: 'judge' });
    expect(await withFallback.run(ctx({ fixed: { phase: 'Failed' } }))).toMatchObject({ phase: 'Failed' });
  });
});
