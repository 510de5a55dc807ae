import { describe, expect, it } from 'vitest';
import { goTimeFromBinary, goTimeToBinary } from '../transport/gob/index.js';
import type { GobValue } from '../transport/gob/index.js';
import { MeasurementType, RpcErrorType, StringMapType } from '../argo-types.js';
import { metricProviderService } from './adapter.js';
import { fixedProvider } from './fixed.js';
import type { MeasurementValue } from './measurement.js';
import type { MetricProvider } from './types.js';

const NOW = new Date('2026-11-22T06:00:00Z');
const PLUGIN = 'argo-otel/canary-judge';

function metric(config: unknown, raw?: string): GobValue {
  const json = raw ?? JSON.stringify(config);
  return { Name: 'error-rate', Interval: '1m', Provider: { Plugin: new Map([[PLUGIN, new Uint8Array(Buffer.from(json))]]) } };
}
const analysisRun: GobValue = {
  TypeMeta: {},
  ObjectMeta: { Name: 'ar1', Namespace: 'ns', Labels: new Map([['rollouts-pod-template-hash', 'abc']]) },
  Spec: { Args: [{ Name: 'service', Value: 'checkout' }, { Name: 'empty' }] },
  Status: {},
};
const runArgs = (config: unknown, raw?: string): GobValue => ({ $interface: 'RunArgs', value: { AnalysisRun: analysisRun, Metric: metric(config, raw) } });
const resumeArgs = (config: unknown, previous: GobValue): GobValue => ({
  $interface: 'TerminateAndResumeArgs',
  value: { AnalysisRun: analysisRun, Metric: metric(config), Measurement: previous },
});
const call = { serviceMethod: 'Plugin.X', seq: 0 };

function service(provider: MetricProvider = fixedProvider(), callTimeoutMs = 1000) {
  return metricProviderService(provider, { now: () => NOW, callTimeoutMs });
}

async function measure(method: 'Run' | 'Resume' | 'Terminate', body: GobValue, s = service()): Promise<MeasurementValue> {
  const reply = await s[method]!(body, call);
  expect(reply.type).toBe(MeasurementType);
  return reply.value as MeasurementValue;
}
const at = (b: Uint8Array | undefined): string | undefined => (b ? goTimeFromBinary(b).date.toISOString() : undefined);

describe('metric provider adapter', () => {
  it('InitPlugin never fails and Type is RPCPlugin', async () => {
    const s = service();
    expect(await s.InitPlugin!(null, call)).toEqual({ type: RpcErrorType, value: {} });
    expect((await s.Type!(null, call)).value).toBe('RPCPlugin');
  });

  it('Run maps a completed verdict: StartedAt and FinishedAt set, no ResumeAt', async () => {
    const m = await measure('Run', runArgs({ fixed: { phase: 'Successful', value: '1', message: 'fixed answer', metadata: { k: 'v' } } }));
    expect(m).toMatchObject({ Phase: 'Successful', Value: '1', Message: 'fixed answer', Metadata: new Map([['k', 'v']]) });
    expect(at(m.StartedAt)).toBe(NOW.toISOString());
    expect(at(m.FinishedAt)).toBe(NOW.toISOString());
    expect(m.ResumeAt).toBeUndefined();
  });

  it('Run maps Running: ResumeAt set, FinishedAt absent', async () => {
    const m = await measure('Run', runArgs({ fixed: { phase: 'Running', resumeAfterMs: 2000 } }));
    expect(m.Phase).toBe('Running');
    expect(at(m.ResumeAt)).toBe('2026-11-22T06:00:02.000Z');
    expect(m.FinishedAt).toBeUndefined();
  });

  it.each([
    [{ fixed: { phase: 'Passed' } }, undefined, 'fixed.phase must be one of Successful, Failed, Inconclusive, Error, Running'],
    [{ fixed: { phase: 'Failed', delayMs: 'soon' } }, undefined, 'fixed.delayMs must be an integer number of milliseconds in 0..600000'],
    [null, '{not json', `provider.plugin["${PLUGIN}"] is not valid JSON`],
  ])('an invalid config %j becomes an Error measurement naming the field', async (config, raw, message) => {
    const m = await measure('Run', runArgs(config, raw));
    expect(m.Phase).toBe('Error');
    expect(m.Message).toContain(message);
    expect(m.FinishedAt).toBeDefined();
  });

  it('a call slower than the deadline becomes an Error measurement', async () => {
    const m = await measure('Run', runArgs({ fixed: { phase: 'Successful', delayMs: 60_000 } }), service(fixedProvider(), 20));
    expect(m).toMatchObject({ Phase: 'Error', Message: 'Run of metric "error-rate" timed out after 20 ms' });
  });

  it('a provider that throws or answers nonsense yields Error, never a failed RPC', async () => {
    const broken: MetricProvider = {
      ...fixedProvider(),
      run: async () => {
        throw new Error('prometheus unreachable');
      },
    };
    expect(await measure('Run', runArgs({}), service(broken))).toMatchObject({ Phase: 'Error', Message: 'Run failed: prometheus unreachable' });
    const nonsense: MetricProvider = { ...fixedProvider(), run: async () => ({ phase: 'Done' }) as never };
    expect((await measure('Run', runArgs({}), service(nonsense))).Message).toMatch(/provider returned phase "Done"/);
  });

  it('Resume keeps the original StartedAt and completes; Terminate always completes', async () => {
    const config = { fixed: { phase: 'Running', resumePhase: 'Failed', value: '0.5' } };
    const previous = { Phase: 'Running', StartedAt: goTimeToBinary(new Date('2026-11-22T05:59:00Z')), ResumeAt: goTimeToBinary(NOW) };
    const resumed = await measure('Resume', resumeArgs(config, previous));
    expect(resumed).toMatchObject({ Phase: 'Failed', Value: '0.5' });
    expect(at(resumed.StartedAt)).toBe('2026-11-22T05:59:00.000Z');
    expect(at(resumed.FinishedAt)).toBe(NOW.toISOString());
    const terminated = await measure('Terminate', resumeArgs(config, previous));
    expect(terminated.Phase).toBe('Successful');
    expect(terminated.FinishedAt).toBeDefined();
    const stubborn: MetricProvider = { ...fixedProvider(), terminate: async () => ({ phase: 'Running' }) };
    expect((await measure('Terminate', resumeArgs(config, previous), service(stubborn))).Phase).toBe('Successful');
  });

  it('GetMetadata answers a map, with "error" for a bad config; GarbageCollect an empty RpcError', async () => {
    const s = service();
    const ok = await s.GetMetadata!({ $interface: 'GetMetadataArgs', value: { Metric: metric({ fixed: { phase: 'Failed' } }) } }, call);
    expect(ok).toEqual({ type: StringMapType, value: new Map([['provider', 'fixed'], ['phase', 'Failed']]) });
    const bad = await s.GetMetadata!({ $interface: 'GetMetadataArgs', value: { Metric: metric({ nope: 1 }) } }, call);
    expect((bad.value as Map<string, string>).get('error')).toBe('plugin config must be an object with the key "fixed"');
    const gc = await s.GarbageCollect!({ $interface: 'GarbageCollectArgs', value: { AnalysisRun: analysisRun, Metric: metric({ fixed: { phase: 'Failed' } }), Limit: 10 } }, call);
    expect(gc).toEqual({ type: RpcErrorType, value: {} });
  });

  it('passes the run\'s identity, labels and resolved args to the provider', async () => {
    let seen: unknown;
    const spy: MetricProvider = { ...fixedProvider(), run: async (ctx) => ((seen = { run: ctx.run, plugin: ctx.metric.pluginName }), { phase: 'Successful' }) };
    await measure('Run', runArgs({}), service(spy));
    expect(seen).toEqual({
      run: { name: 'ar1', namespace: 'ns', uid: '', labels: { 'rollouts-pod-template-hash': 'abc' }, annotations: {}, args: { service: 'checkout', empty: undefined } },
      plugin: PLUGIN,
    });
  });

  it('answers args of the wrong shape with an RPC error, as the Go server does', async () => {
    const s = service();
    await expect(s.Run!(null, call)).rejects.toThrow('invalid args: expected interface holding RunArgs');
    await expect(s.Run!({ $interface: 'GetMetadataArgs', value: {} }, call)).rejects.toThrow('invalid args: expected RunArgs, got GetMetadataArgs');
    await expect(s.Run!({ $interface: 'RunArgs', value: { AnalysisRun: 'x' } }, call)).rejects.toThrow('AnalysisRun is not a struct');
  });
});
