// One `canary.analysis` span per measurement, linked (not parented) to the deployment trace the CMP stamped on the
// Rollout. Seed-001 attribute names (`canary.*`) plus rollout identity; an event per check. Never throws.
import { SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import { ATTRIBUTE_PREFIX } from '../../lineage/names.js';
import { pipelineLink } from '../../telemetry/generation.js';
import type { CheckVerdict } from '../judge/checks.js';
import { formatLogLine } from '../log.js';
import type { Verdict } from '../judge/verdict.js';
import type { AnalysisRunView, MetricView } from '../provider/types.js';

export interface AnalysisSpanInput {
  run: AnalysisRunView;
  metric: MetricView;
  verdict: Verdict;
  /** The phase after conditions (what the controller is told). */
  phase: string;
  traceparent?: string;
  tracestate?: string;
  startTime: Date;
  endTime: Date;
}

const A = {
  rolloutName: `${ATTRIBUTE_PREFIX}rollout.name`,
  analysisRun: `${ATTRIBUTE_PREFIX}analysis_run.name`,
  metric: `${ATTRIBUTE_PREFIX}analysis.metric`,
  step: `${ATTRIBUTE_PREFIX}rollout.step_index`,
  rolloutType: `${ATTRIBUTE_PREFIX}rollout.type`,
  canaryHash: `${ATTRIBUTE_PREFIX}canary.pod_template_hash`,
  score: `${ATTRIBUTE_PREFIX}analysis.score`,
  selection: `${ATTRIBUTE_PREFIX}analysis.selection`,
  baseline: `${ATTRIBUTE_PREFIX}analysis.baseline`,
} as const;

function checkAttributes(c: CheckVerdict): Attributes {
  const out: Attributes = { 'canary.check.name': c.name, 'canary.check.outcome': c.outcome, 'canary.check.reason': c.reason, 'canary.check.n_canary': c.n.canary, 'canary.check.n_stable': c.n.stable };
  if (c.canary !== null && Number.isFinite(c.canary)) out['canary.check.canary'] = c.canary;
  if (c.stable !== null && Number.isFinite(c.stable)) out['canary.check.stable'] = c.stable;
  if (c.pValue !== undefined) out['canary.check.p_value'] = c.pValue;
  if (c.worstRoute !== undefined) out['canary.check.worst_route'] = c.worstRoute;
  if (c.exemplarTraceIds?.length) out['canary.check.exemplar_trace_ids'] = c.exemplarTraceIds;
  return out;
}

/** The seed-001 summary attributes: error rates and p99 in ms on both sides, and the decision. */
function seedAttributes(v: Verdict, phase: string): Attributes {
  const out: Attributes = { 'canary.decision': phase, 'canary.score': v.score, 'canary.requests.canary': v.requests.canary, 'canary.requests.stable': v.requests.stable };
  const err = v.checks.find((c) => c.type === 'error-rate');
  if (err?.canary != null) out['canary.error_rate.canary'] = err.canary;
  if (err?.stable != null) out['canary.error_rate.stable'] = err.stable;
  const p99 = v.checks.find((c) => c.type === 'latency' && /99$/.test(c.name)) ?? v.checks.find((c) => c.type === 'latency');
  if (p99?.canary != null && Number.isFinite(p99.canary)) out['canary.p99.canary_ms'] = p99.canary * 1000;
  if (p99?.stable != null && Number.isFinite(p99.stable)) out['canary.p99.stable_ms'] = p99.stable * 1000;
  if (v.decidingCheck) out['canary.deciding_check'] = v.decidingCheck;
  return out;
}

/** Records the span; returns its trace and span ids (for Measurement metadata), or undefined if telemetry failed. */
export function recordAnalysisSpan(tracer: Tracer, input: AnalysisSpanInput): { traceId: string; spanId: string } | undefined {
  try {
    const link = input.traceparent ? pipelineLink({ traceparent: input.traceparent, ...(input.tracestate ? { tracestate: input.tracestate } : {}) }) : undefined;
    const owner = input.run.labels['rollouts-pod-template-hash'];
    const attributes: Attributes = {
      'k8s.namespace.name': input.run.namespace,
      [A.analysisRun]: input.run.name,
      [A.metric]: input.metric.name,
      [A.score]: input.verdict.score,
      [A.selection]: input.verdict.mode,
      [A.baseline]: input.verdict.baseline,
      ...seedAttributes(input.verdict, input.phase),
    };
    const rollout = input.run.labels['rollouts.argoproj.io/rollout'] ?? input.run.labels['rollout'];
    if (rollout) attributes[A.rolloutName] = rollout;
    if (input.run.labels['step-index']) attributes[A.step] = Number(input.run.labels['step-index']);
    if (input.run.labels['rollout-type']) attributes[A.rolloutType] = input.run.labels['rollout-type'];
    if (owner) attributes[A.canaryHash] = owner;
    const span = tracer.startSpan('canary.analysis', {
      kind: SpanKind.INTERNAL,
      startTime: input.startTime,
      attributes,
      ...(link ? { links: [{ ...link, attributes: { ...link.attributes, [`${ATTRIBUTE_PREFIX}link.kind`]: 'deployment' } }] } : {}),
    });
    for (const c of input.verdict.checks) span.addEvent(`check ${c.name}`, checkAttributes(c), input.endTime);
    if (input.phase === 'Error') span.setStatus({ code: SpanStatusCode.ERROR, message: input.verdict.message });
    else if (input.phase === 'Failed') span.setStatus({ code: SpanStatusCode.ERROR, message: `canary failed: ${input.verdict.message}` });
    span.end(input.endTime);
    const ctx = span.spanContext();
    return { traceId: ctx.traceId, spanId: ctx.spanId };
  } catch (err) {
    process.stderr.write(`${formatLogLine('warn', 'analysis span not recorded', { error: err }, new Date())}\n`);
    return undefined;
  }
}
