import { goTimeType, t } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { GoType } from '../../rollouts-metric-plugin/transport/gob/index.js';

// The argo-rollouts v1.9.1 types as a TS encoder sees them, a subset of fields each (the Go receiver matches
// fields by name and leaves missing ones zero). Names and field types follow the real Go declarations.
export const Time = goTimeType('Time');
export const StringMap = t.map(t.string, t.string, 'map[string]string');
const ptrString = t.ptr(t.string);
const ptrInt = t.ptr(t.int);
const ptrBool = t.ptr(t.bool);

export const Measurement = t.struct('Measurement', [
  ['Phase', t.string], ['Message', t.string], ['StartedAt', t.ptr(Time)], ['FinishedAt', t.ptr(Time)],
  ['Value', t.string], ['Metadata', StringMap], ['ResumeAt', t.ptr(Time)],
]);
export const RpcError = t.struct('RpcError', [['ErrorString', t.string]]);
export const EmptyStruct = t.struct('', []);

const IntOrString = t.struct('IntOrString', [['Type', t.int], ['IntVal', t.int], ['StrVal', t.string]]);
const TypeMeta = t.struct('TypeMeta', [['Kind', t.string], ['APIVersion', t.string]]);
const OwnerReference = t.struct('OwnerReference', [
  ['APIVersion', t.string], ['Kind', t.string], ['Name', t.string], ['UID', t.string],
  ['Controller', ptrBool], ['BlockOwnerDeletion', ptrBool],
]);
const ObjectMeta = t.struct('ObjectMeta', [
  ['Name', t.string], ['GenerateName', t.string], ['Namespace', t.string], ['UID', t.string],
  ['ResourceVersion', t.string], ['Generation', t.int], ['CreationTimestamp', Time], ['DeletionTimestamp', t.ptr(Time)],
  ['DeletionGracePeriodSeconds', ptrInt], ['Labels', StringMap], ['Annotations', StringMap],
  ['OwnerReferences', t.slice(OwnerReference)], ['Finalizers', t.slice(t.string)],
]);
const JobSpec = t.struct('JobSpec', [
  ['Parallelism', ptrInt], ['Completions', ptrInt], ['ActiveDeadlineSeconds', ptrInt], ['BackoffLimit', ptrInt],
]);
const JobMetric = t.struct('JobMetric', [['Metadata', ObjectMeta], ['Spec', JobSpec]]);
const PrometheusMetric = t.struct('PrometheusMetric', [
  ['Address', t.string], ['Query', t.string], ['Timeout', ptrInt], ['Insecure', t.bool],
]);
const MetricProvider = t.struct('MetricProvider', [
  ['Prometheus', t.ptr(PrometheusMetric)], ['Job', t.ptr(JobMetric)],
  ['Plugin', t.map(t.string, t.bytes, 'map[string]json.RawMessage')],
]);
const ptrIOS = t.ptr(IntOrString);
export const Metric = t.struct('Metric', [
  ['Name', t.string], ['Interval', t.string], ['InitialDelay', t.string], ['Count', ptrIOS],
  ['SuccessCondition', t.string], ['FailureCondition', t.string], ['FailureLimit', ptrIOS],
  ['InconclusiveLimit', ptrIOS], ['ConsecutiveErrorLimit', ptrIOS], ['Provider', MetricProvider],
  ['ConsecutiveSuccessLimit', ptrIOS],
]);
const Argument = t.struct('Argument', [
  ['Name', t.string], ['Value', ptrString],
  ['ValueFrom', t.ptr(t.struct('ValueFrom', [
    ['SecretKeyRef', t.ptr(t.struct('SecretKeyRef', [['Name', t.string], ['Key', t.string]]))],
    ['FieldRef', t.ptr(t.struct('FieldRef', [['FieldPath', t.string]]))],
  ]))],
]);
const RunSummary = t.struct('RunSummary', [
  ['Count', t.int], ['Successful', t.int], ['Failed', t.int], ['Inconclusive', t.int], ['Error', t.int],
]);
const MetricResult = t.struct('MetricResult', [
  ['Name', t.string], ['Phase', t.string], ['Measurements', t.slice(Measurement)], ['Message', t.string],
  ['Count', t.int], ['Successful', t.int], ['Failed', t.int], ['Inconclusive', t.int], ['Error', t.int],
  ['ConsecutiveError', t.int], ['DryRun', t.bool], ['Metadata', StringMap], ['ConsecutiveSuccess', t.int],
]);
export const AnalysisRun = t.struct('AnalysisRun', [
  ['TypeMeta', TypeMeta], ['ObjectMeta', ObjectMeta],
  ['Spec', t.struct('AnalysisRunSpec', [
    ['Metrics', t.slice(Metric)], ['Args', t.slice(Argument)], ['Terminate', t.bool],
    ['DryRun', t.slice(t.struct('DryRun', [['MetricName', t.string]]))],
    ['MeasurementRetention', t.slice(t.struct('MeasurementRetention', [['MetricName', t.string], ['Limit', t.int]]))],
  ])],
  ['Status', t.struct('AnalysisRunStatus', [
    ['Phase', t.string], ['Message', t.string], ['MetricResults', t.slice(MetricResult)], ['StartedAt', t.ptr(Time)],
    ['RunSummary', RunSummary], ['DryRunSummary', t.ptr(RunSummary)], ['CompletedAt', t.ptr(Time)],
  ])],
]);
export const RunArgs = t.struct('RunArgs', [['AnalysisRun', t.ptr(AnalysisRun)], ['Metric', Metric]]);
export const TerminateAndResumeArgs = t.struct('TerminateAndResumeArgs', [
  ['AnalysisRun', t.ptr(AnalysisRun)], ['Metric', Metric], ['Measurement', Measurement],
]);
export const GarbageCollectArgs = t.struct('GarbageCollectArgs', [['AnalysisRun', t.ptr(AnalysisRun)], ['Metric', Metric], ['Limit', t.int]]);
export const GetMetadataArgs = t.struct('GetMetadataArgs', [['Metric', Metric]]);

/** gob-peer kind → the TS type to encode (iface kinds go inside an interface, as the host sends them). */
export const KINDS: ReadonlyArray<readonly [string, GoType, 'iface' | 'direct']> = [
  ['Measurement', Measurement, 'direct'],
  ['RpcError', RpcError, 'direct'],
  ['map[string]string', StringMap, 'direct'],
  ['string', t.string, 'direct'],
  ['struct{}', EmptyStruct, 'direct'],
  ['Metric', Metric, 'direct'],
  ['AnalysisRun', AnalysisRun, 'direct'],
  ['iface:RunArgs', RunArgs, 'iface'],
  ['iface:TerminateAndResumeArgs', TerminateAndResumeArgs, 'iface'],
  ['iface:GarbageCollectArgs', GarbageCollectArgs, 'iface'],
  ['iface:GetMetadataArgs', GetMetadataArgs, 'iface'],
];

/** int widths of the Go fields above, so random values fit (IntOrString.IntVal and counters are int32). */
export const INT32_FIELDS = new Set(['IntVal', 'Count', 'Successful', 'Failed', 'Inconclusive', 'Error',
  'ConsecutiveError', 'ConsecutiveSuccess', 'Limit', 'Parallelism', 'Completions', 'BackoffLimit']);

/** gob-peer's Box (test/go/gob-peer/main.go): nested interfaces, arrays, complex, floats, uint64. */
export const Box = t.struct('Box', [
  ['Label', t.string], ['Inner', t.iface], ['Items', t.slice(t.iface, '[]interface {}')],
  ['ByName', t.map(t.string, t.iface, 'map[string]interface {}')], ['Pair', t.array(t.int, 2, '[2]int16')],
  ['C', t.complex], ['F', t.float], ['U', t.uint],
]);
