import { describe, expect, it } from 'vitest';
import { fixedProvider, parseFixedConfig } from './fixed.js';
import type { ResumeContext, RunContext } from './types.js';

const now = new Date('2026-11-22T00:00:00Z');
const ctx = (config: unknown, signal = new AbortController().signal): RunContext => ({
  signal,
  now: () => now,
  run: { name: 'ar', namespace: 'ns', uid: '', labels: {}, annotations: {}, args: {} },
  metric: { name: 'm', successCondition: '', failureCondition: '', interval: '', pluginName: 'argo-otel/canary-judge', config },
});

describe('fixed provider config', () => {
  it('accepts the documented shape and fills defaults', () => {
    expect(parseFixedConfig({ fixed: { phase: 'Successful', value: '1', message: 'ok', delayMs: 0 } })).toEqual({
      phase: 'Successful', value: '1', message: 'ok', delayMs: 0, metadata: {}, resumeAfterMs: 1000, resumePhase: 'Successful',
    });
  });

  it.each([
    [null, 'plugin config must be an object with the key "fixed"'],
    [{ other: {} }, 'plugin config must be an object with the key "fixed"'],
    [{ fixed: {}, extra: 1 }, 'plugin config has unknown key(s): extra'],
    [{ fixed: 'x' }, 'fixed must be an object'],
    [{ fixed: { phase: 'Passed' } }, 'fixed.phase must be one of Successful, Failed, Inconclusive, Error, Running'],
    [{ fixed: { phase: 'Failed', delayMs: -1 } }, 'fixed.delayMs must be an integer number of milliseconds in 0..600000'],
    [{ fixed: { phase: 'Failed', delayMs: 1.5 } }, 'fixed.delayMs must be an integer'],
    [{ fixed: { phase: 'Failed', value: 1 } }, 'fixed.value must be a string'],
    [{ fixed: { phase: 'Failed', metadata: { a: 1 } } }, 'fixed.metadata.a must be a string'],
    [{ fixed: { phase: 'Running', resumePhase: 'Running' } }, 'fixed.resumePhase must be one of'],
    [{ fixed: { phase: 'Failed', typo: 1 } }, 'fixed has unknown field(s): typo'],
  ])('rejects %j naming the field', (config, message) => {
    expect(() => parseFixedConfig(config)).toThrow(message);
  });
});

describe('fixed provider', () => {
  it('answers the configured verdict', async () => {
    const v = await fixedProvider().run(ctx({ fixed: { phase: 'Failed', value: '0.9', message: 'bad', metadata: { k: 'v' } } }));
    expect(v).toEqual({ phase: 'Failed', value: '0.9', message: 'bad', metadata: { k: 'v' } });
  });

  it('Running carries resumeAt; Resume answers resumePhase', async () => {
    const p = fixedProvider();
    const config = { fixed: { phase: 'Running', resumeAfterMs: 5000, resumePhase: 'Inconclusive' } };
    const running = await p.run(ctx(config));
    expect(running.phase).toBe('Running');
    expect(running.resumeAt?.toISOString()).toBe('2026-11-22T00:00:05.000Z');
    const resumeCtx: ResumeContext = { ...ctx(config), previous: { phase: 'Running', message: '', value: '', metadata: {} } };
    expect((await p.resume(resumeCtx)).phase).toBe('Inconclusive');
    expect((await p.terminate(resumeCtx)).phase).toBe('Successful');
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = fixedProvider().run(ctx({ fixed: { phase: 'Successful', delayMs: 600_000 } }, controller.signal));
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });

  it('reports metadata', async () => {
    expect(await fixedProvider().metadata(ctx({ fixed: { phase: 'Failed' } }))).toEqual({ provider: 'fixed', phase: 'Failed' });
  });
});
