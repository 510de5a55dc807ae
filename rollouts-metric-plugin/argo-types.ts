// gob descriptions of the Argo Rollouts v1.9.1 types the metric plugin sends (replies) and, for tests and tools,
// the subset of what the host sends. Field names and Go kinds must match the host's types (§4.2); Go's decoder
// matches by name and ignores fields it does not know, so a subset is enough for anything we *send*.
import { t } from './transport/gob/index.js';

/** metav1.Time: inherits time.Time's GobEncoder, so it is opaque MarshalBinary bytes on the wire. */
export const TimeType = t.gobEncoder('Time');

/** map[string]string; Go itself sends this definition with an empty name. */
export const StringMapType = t.map(t.string, t.string, '');

/** v1alpha1.Measurement (stable since v1.5.0). */
export const MeasurementType = t.struct('Measurement', [
  ['Phase', t.string],
  ['Message', t.string],
  ['StartedAt', t.ptr(TimeType)],
  ['FinishedAt', t.ptr(TimeType)],
  ['Value', t.string],
  ['Metadata', StringMapType],
  ['ResumeAt', t.ptr(TimeType)],
]);

/** types.RpcError: an empty ErrorString means success. */
export const RpcErrorType = t.struct('RpcError', [['ErrorString', t.string]]);

/** The reply of Plugin.Type. */
export const StringType = t.string;

// ---- host → plugin (a subset, for tests and tools that play the controller) ----

export const IntOrStringType = t.struct('IntOrString', [
  ['Type', t.int],
  ['IntVal', t.int],
  ['StrVal', t.string],
]);

export const MetricProviderType = t.struct('MetricProvider', [['Plugin', t.map(t.string, t.bytes, '')]]);

export const MetricType = t.struct('Metric', [
  ['Name', t.string],
  ['Interval', t.string],
  ['InitialDelay', t.string],
  ['Count', t.ptr(IntOrStringType)],
  ['SuccessCondition', t.string],
  ['FailureCondition', t.string],
  ['Provider', MetricProviderType],
]);

export const ArgumentType = t.struct('Argument', [
  ['Name', t.string],
  ['Value', t.ptr(t.string)],
]);

export const ObjectMetaType = t.struct('ObjectMeta', [
  ['Name', t.string],
  ['Namespace', t.string],
  ['UID', t.string],
  ['CreationTimestamp', TimeType],
  ['Labels', StringMapType],
  ['Annotations', StringMapType],
]);

export const AnalysisRunType = t.struct('AnalysisRun', [
  ['TypeMeta', t.struct('TypeMeta', [['Kind', t.string], ['APIVersion', t.string]])],
  ['ObjectMeta', ObjectMetaType],
  [
    'Spec',
    t.struct('AnalysisRunSpec', [
      ['Metrics', t.slice(MetricType)],
      ['Args', t.slice(ArgumentType)],
    ]),
  ],
]);

export const RunArgsType = t.struct('RunArgs', [
  ['AnalysisRun', t.ptr(AnalysisRunType)],
  ['Metric', MetricType],
]);

export const TerminateAndResumeArgsType = t.struct('TerminateAndResumeArgs', [
  ['AnalysisRun', t.ptr(AnalysisRunType)],
  ['Metric', MetricType],
  ['Measurement', MeasurementType],
]);

export const GarbageCollectArgsType = t.struct('GarbageCollectArgs', [
  ['AnalysisRun', t.ptr(AnalysisRunType)],
  ['Metric', MetricType],
  ['Limit', t.int],
]);

export const GetMetadataArgsType = t.struct('GetMetadataArgs', [['Metric', MetricType]]);

/** Interface names the host registers with gob.RegisterName (metricproviders/plugin/rpc/rpc.go). */
export const ArgsInterfaceNames = {
  run: 'RunArgs',
  terminateAndResume: 'TerminateAndResumeArgs',
  garbageCollect: 'GarbageCollectArgs',
  getMetadata: 'GetMetadataArgs',
} as const;

/** The go-plugin plugin-map key the controller dispenses. */
export const METRIC_PROVIDER_PLUGIN_NAME = 'RpcMetricProviderPlugin';
