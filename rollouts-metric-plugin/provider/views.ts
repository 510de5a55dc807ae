// Decoded gob values (plain objects keyed by Go field names, zero values absent) → the provider's views.
// Everything the host may leave out is optional here; a wrong kind is an error that names the field.
import { goTimeFromBinary, isGobStruct } from '../transport/gob/index.js';
import type { GobValue } from '../transport/gob/index.js';
import { ConfigError } from './types.js';
import type { AnalysisRunView, MeasurementView, MetricView } from './types.js';

type GobStruct = { readonly [field: string]: GobValue };

function struct(value: GobValue | undefined, path: string): GobStruct {
  if (value === undefined || value === null) return {};
  if (!isGobStruct(value)) throw new TypeError(`${path} is not a struct`);
  return value;
}

function str(value: GobValue | undefined, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new TypeError(`${path} is not a string`);
  return value;
}

function stringMap(value: GobValue | undefined, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (!(value instanceof Map)) throw new TypeError(`${path} is not a map`);
  for (const [k, v] of value) {
    if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError(`${path} is not a map[string]string`);
    out[k] = v;
  }
  return out;
}

function time(value: GobValue | undefined, path: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Uint8Array)) throw new TypeError(`${path} is not a time`);
  return goTimeFromBinary(value).date;
}

/** Unwraps the interface body the host sends (`var args any = RunArgs{…}`), checking its registered name. */
export function interfaceArgs(body: GobValue, expected: string): GobStruct {
  if (body === null || typeof body !== 'object' || !('$interface' in body)) {
    throw new TypeError(`invalid args: expected interface holding ${expected}`);
  }
  if (body.$interface !== expected) throw new TypeError(`invalid args: expected ${expected}, got ${body.$interface}`);
  return struct(body.value, expected);
}

export function analysisRunView(value: GobValue | undefined): AnalysisRunView {
  const run = struct(value, 'AnalysisRun');
  const meta = struct(run.ObjectMeta, 'AnalysisRun.ObjectMeta');
  const spec = struct(run.Spec, 'AnalysisRun.Spec');
  const args: Record<string, string | undefined> = {};
  const list = spec.Args ?? [];
  if (!Array.isArray(list)) throw new TypeError('AnalysisRun.Spec.Args is not a slice');
  list.forEach((item, i) => {
    const arg = struct(item, `AnalysisRun.Spec.Args[${i}]`);
    const value = arg.Value;
    args[str(arg.Name, `AnalysisRun.Spec.Args[${i}].Name`)] =
      value === undefined || value === null ? undefined : str(value, `AnalysisRun.Spec.Args[${i}].Value`);
  });
  const startedAt = time(struct(run.Status, 'AnalysisRun.Status').StartedAt, 'AnalysisRun.Status.StartedAt');
  return {
    name: str(meta.Name, 'ObjectMeta.Name'),
    namespace: str(meta.Namespace, 'ObjectMeta.Namespace'),
    uid: str(meta.UID, 'ObjectMeta.UID'),
    labels: stringMap(meta.Labels, 'ObjectMeta.Labels'),
    annotations: stringMap(meta.Annotations, 'ObjectMeta.Annotations'),
    args,
    ...(startedAt ? { startedAt } : {}),
  };
}

export interface MetricParse {
  metric: MetricView;
  /** Set when `provider.plugin` cannot be used; the measurement then becomes Error with this message. */
  configError?: ConfigError;
}

export function metricView(value: GobValue | undefined): MetricParse {
  const m = struct(value, 'Metric');
  const provider = struct(m.Provider, 'Metric.Provider');
  const metric: MetricView = {
    name: str(m.Name, 'Metric.Name'),
    successCondition: str(m.SuccessCondition, 'Metric.SuccessCondition'),
    failureCondition: str(m.FailureCondition, 'Metric.FailureCondition'),
    interval: str(m.Interval, 'Metric.Interval'),
    pluginName: '',
    config: undefined,
  };
  const plugins = provider.Plugin;
  if (!(plugins instanceof Map) || plugins.size === 0) {
    return { metric, configError: new ConfigError('metric has no provider.plugin entry') };
  }
  if (plugins.size > 1) {
    const keys = [...plugins.keys()].map(String).join(', ');
    return { metric, configError: new ConfigError(`provider.plugin must have exactly one key, got: ${keys}`) };
  }
  const [[key, raw]] = [...plugins.entries()] as [[GobValue, GobValue]];
  metric.pluginName = String(key);
  if (!(raw instanceof Uint8Array)) {
    return { metric, configError: new ConfigError(`provider.plugin["${metric.pluginName}"] is not raw JSON bytes`) };
  }
  try {
    metric.config = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { metric, configError: new ConfigError(`provider.plugin["${metric.pluginName}"] is not valid JSON: ${why}`) };
  }
  return { metric };
}

export function measurementView(value: GobValue | undefined): MeasurementView {
  const m = struct(value, 'Measurement');
  const view: MeasurementView = {
    phase: str(m.Phase, 'Measurement.Phase'),
    message: str(m.Message, 'Measurement.Message'),
    value: str(m.Value, 'Measurement.Value'),
    metadata: stringMap(m.Metadata, 'Measurement.Metadata'),
  };
  const startedAt = time(m.StartedAt, 'Measurement.StartedAt');
  const finishedAt = time(m.FinishedAt, 'Measurement.FinishedAt');
  const resumeAt = time(m.ResumeAt, 'Measurement.ResumeAt');
  if (startedAt) view.startedAt = startedAt;
  if (finishedAt) view.finishedAt = finishedAt;
  if (resumeAt) view.resumeAt = resumeAt;
  return view;
}
