// A provider that answers what its config says: the metric's `provider.plugin` value
//   {"fixed": {"phase": "Successful", "value": "1", "message": "…", "delayMs": 0, "metadata": {…}}}
// With phase Running it also takes `resumeAfterMs` (default 1000) and `resumePhase` (default Successful), which
// Resume then answers. For end-to-end and conformance tests: the router sends `{"fixed": …}` here, all else to the judge.
import { ConfigError, VERDICT_PHASES } from './types.js';
import type { MetricProvider, MetricView, Verdict, VerdictPhase } from './types.js';

export interface FixedConfig {
  phase: VerdictPhase;
  value: string;
  message: string;
  delayMs: number;
  metadata: Record<string, string>;
  resumeAfterMs: number;
  resumePhase: Exclude<VerdictPhase, 'Running'>;
}

const KEYS = new Set(['phase', 'value', 'message', 'delayMs', 'metadata', 'resumeAfterMs', 'resumePhase']);
const MAX_DELAY_MS = 10 * 60_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function delay(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS) {
    throw new ConfigError(`fixed.${name} must be an integer number of milliseconds in 0..${MAX_DELAY_MS}`);
  }
  return value;
}

function text(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ConfigError(`fixed.${name} must be a string`);
  return value;
}

/** Validates the plugin config; every error names the offending field. */
export function parseFixedConfig(config: unknown): FixedConfig {
  if (!isRecord(config) || !('fixed' in config)) throw new ConfigError('plugin config must be an object with the key "fixed"');
  const extra = Object.keys(config).filter((k) => k !== 'fixed');
  if (extra.length > 0) throw new ConfigError(`plugin config has unknown key(s): ${extra.join(', ')}`);
  const fixed = config.fixed;
  if (!isRecord(fixed)) throw new ConfigError('fixed must be an object');
  const unknown = Object.keys(fixed).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) throw new ConfigError(`fixed has unknown field(s): ${unknown.join(', ')}`);
  if (!VERDICT_PHASES.includes(fixed.phase as VerdictPhase)) {
    throw new ConfigError(`fixed.phase must be one of ${VERDICT_PHASES.join(', ')}`);
  }
  const resumePhase = fixed.resumePhase ?? 'Successful';
  if (resumePhase === 'Running' || !VERDICT_PHASES.includes(resumePhase as VerdictPhase)) {
    throw new ConfigError('fixed.resumePhase must be one of Successful, Failed, Inconclusive, Error');
  }
  const metadata: Record<string, string> = {};
  if (fixed.metadata !== undefined) {
    if (!isRecord(fixed.metadata)) throw new ConfigError('fixed.metadata must be an object of strings');
    for (const [k, v] of Object.entries(fixed.metadata)) {
      if (typeof v !== 'string') throw new ConfigError(`fixed.metadata.${k} must be a string`);
      metadata[k] = v;
    }
  }
  return {
    phase: fixed.phase as VerdictPhase,
    value: text('value', fixed.value),
    message: text('message', fixed.message),
    delayMs: delay('delayMs', fixed.delayMs, 0),
    metadata,
    resumeAfterMs: delay('resumeAfterMs', fixed.resumeAfterMs, 1000),
    resumePhase: resumePhase as FixedConfig['resumePhase'],
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function verdictOf(config: FixedConfig, phase: VerdictPhase, now: Date): Verdict {
  const verdict: Verdict = { phase, value: config.value, message: config.message, metadata: config.metadata };
  if (phase === 'Running') verdict.resumeAt = new Date(now.getTime() + config.resumeAfterMs);
  return verdict;
}

export function fixedProvider(): MetricProvider {
  const configOf = (metric: MetricView): FixedConfig => parseFixedConfig(metric.config);
  return {
    async run(ctx) {
      const config = configOf(ctx.metric);
      await sleep(config.delayMs, ctx.signal);
      return verdictOf(config, config.phase, ctx.now());
    },
    async resume(ctx) {
      const config = configOf(ctx.metric);
      await sleep(config.delayMs, ctx.signal);
      return verdictOf(config, ctx.previous.phase === 'Running' ? config.resumePhase : config.phase, ctx.now());
    },
    async terminate(ctx) {
      // Nothing external to stop; complete what was in flight.
      return { phase: 'Successful', value: ctx.previous.value, message: 'terminated' };
    },
    async metadata(ctx) {
      const config = configOf(ctx.metric);
      return { provider: 'fixed', phase: config.phase };
    },
    async garbageCollect() {},
  };
}
