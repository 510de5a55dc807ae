// The `Plugin` net/rpc service of an Argo Rollouts metric plugin (metricproviders/plugin/rpc/rpc.go) on top of a
// MetricProvider: unwraps the host's interface args, bounds every call in time, and maps verdicts to Measurements.
// A provider that throws, hangs or answers nonsense yields an Error measurement, never a failed RPC.
import type { GobValue } from '../transport/gob/index.js';
import type { Reply, Service } from '../transport/netrpc/server.js';
import { MeasurementType, RpcErrorType, StringMapType, StringType, ArgsInterfaceNames } from '../argo-types.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { errorMeasurement, toMeasurement } from './measurement.js';
import { ConfigError, VERDICT_PHASES } from './types.js';
import type { CallContext, MetricProvider, Verdict } from './types.js';
import { analysisRunView, interfaceArgs, measurementView, metricView } from './views.js';

export interface AdapterOptions {
  /** Upper bound for any provider call; the host's net/rpc Call has no timeout of its own. */
  callTimeoutMs?: number;
  logger?: Logger;
  now?: () => Date;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work` with an abort signal and a deadline; rejects with CallTimeoutError when the deadline passes. */
export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  now: () => Date,
  work: (ctx: CallContext) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new CallTimeoutError(`${what} timed out after ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work({ signal: controller.signal, now }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Guards what a provider returned, so a bad verdict becomes an Error measurement naming the problem. */
export function checkVerdict(value: unknown): Verdict {
  if (value === null || typeof value !== 'object') throw new TypeError('provider returned no verdict');
  const v = value as Record<string, unknown>;
  if (!VERDICT_PHASES.includes(v.phase as Verdict['phase'])) {
    throw new TypeError(`provider returned phase ${JSON.stringify(v.phase)}; expected one of ${VERDICT_PHASES.join(', ')}`);
  }
  for (const key of ['value', 'message'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'string') throw new TypeError(`provider returned a non-string ${key}`);
  }
  if (v.metadata !== undefined) {
    if (v.metadata === null || typeof v.metadata !== 'object') throw new TypeError('provider returned bad metadata');
    for (const [k, m] of Object.entries(v.metadata)) {
      if (typeof m !== 'string') throw new TypeError(`provider returned non-string metadata "${k}"`);
    }
  }
  if (v.resumeAt !== undefined && !(v.resumeAt instanceof Date && !Number.isNaN(v.resumeAt.getTime()))) {
    throw new TypeError('provider returned an invalid resumeAt');
  }
  return v as unknown as Verdict;
}

export function metricProviderService(provider: MetricProvider, options: AdapterOptions = {}): Service {
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? silentLogger;

  const measure = async (
    method: 'Run' | 'Resume' | 'Terminate',
    body: GobValue,
  ): Promise<Reply> => {
    const startedAt = now();
    const name = method === 'Run' ? ArgsInterfaceNames.run : ArgsInterfaceNames.terminateAndResume;
    // Bad args are an RPC error, as the Go server answers ("invalid args …"): the host marks the measurement Error.
    const args = interfaceArgs(body, name);
    const run = analysisRunView(args.AnalysisRun);
    const { metric, configError } = metricView(args.Metric);
    const previous = method === 'Run' ? undefined : measurementView(args.Measurement);
    const fields = { method, metric: metric.name, analysisrun: `${run.namespace}/${run.name}` };
    const reply = (value: unknown): Reply => ({ type: MeasurementType, value });
    log.debug('measurement started', fields);
    if (configError) {
      log.warn('invalid metric config', { ...fields, error: configError.message });
      if (method === 'Terminate') return reply(toMeasurement({ phase: 'Successful', message: 'terminated' }, previous?.startedAt ?? startedAt, now()));
      return reply(errorMeasurement(configError.message, startedAt, now()));
    }
    try {
      const verdict = checkVerdict(
        await withDeadline(`${method} of metric "${metric.name}"`, timeoutMs, now, (ctx) => {
          const base = { ...ctx, run, metric };
          if (method === 'Run') return provider.run(base);
          const full = { ...base, previous: previous ?? measurementView(undefined) };
          return method === 'Resume' ? provider.resume(full) : provider.terminate(full);
        }),
      );
      if (method === 'Terminate' && verdict.phase === 'Running') {
        throw new TypeError('provider answered Running to Terminate; a terminating run needs a completed phase');
      }
      log.debug('measurement', { ...fields, phase: verdict.phase, value: verdict.value ?? '' });
      // A resumed measurement keeps its original start.
      return reply(toMeasurement(verdict, previous?.startedAt ?? startedAt, now()));
    } catch (err) {
      const text = err instanceof ConfigError || err instanceof CallTimeoutError ? message(err) : `${method} failed: ${message(err)}`;
      log.warn('measurement error', { ...fields, error: text });
      if (method === 'Terminate') {
        // Terminate must complete the measurement whatever happened.
        return reply(toMeasurement({ phase: 'Successful', message: `terminated (${text})` }, previous?.startedAt ?? startedAt, now()));
      }
      return reply(errorMeasurement(text, previous?.startedAt ?? startedAt, now()));
    }
  };

  return {
    // Never fails: ≤ v1.9 loses the message of an InitPlugin error and keeps using the plugin anyway.
    InitPlugin: async () => ({ type: RpcErrorType, value: {} }),
    Type: async () => ({ type: StringType, value: 'RPCPlugin' }),
    Run: (body) => measure('Run', body),
    Resume: (body) => measure('Resume', body),
    Terminate: (body) => measure('Terminate', body),
    GarbageCollect: async (body) => {
      const args = interfaceArgs(body, ArgsInterfaceNames.garbageCollect);
      const run = analysisRunView(args.AnalysisRun);
      const { metric, configError } = metricView(args.Metric);
      const limit = typeof args.Limit === 'number' || typeof args.Limit === 'bigint' ? Number(args.Limit) : 0;
      if (configError) return { type: RpcErrorType, value: { ErrorString: configError.message } };
      try {
        await withDeadline(`GarbageCollect of metric "${metric.name}"`, timeoutMs, now, (ctx) =>
          provider.garbageCollect({ ...ctx, run, metric, limit }),
        );
        return { type: RpcErrorType, value: {} };
      } catch (err) {
        return { type: RpcErrorType, value: { ErrorString: message(err) } };
      }
    },
    GetMetadata: async (body) => {
      const args = interfaceArgs(body, ArgsInterfaceNames.getMetadata);
      const { metric, configError } = metricView(args.Metric);
      // The host reads resp["error"] and prefixes it; other keys are stored on the metric result.
      const map = (entries: Record<string, string>): Reply => ({ type: StringMapType, value: new Map(Object.entries(entries)) });
      if (configError) return map({ error: configError.message });
      try {
        const metadata = await withDeadline(`GetMetadata of metric "${metric.name}"`, timeoutMs, now, (ctx) =>
          provider.metadata({ ...ctx, metric }),
        );
        const entries: Record<string, string> = {};
        for (const [k, v] of Object.entries(metadata)) if (typeof v === 'string') entries[k] = v;
        return map(entries);
      } catch (err) {
        return map({ error: message(err) });
      }
    },
  };
}
