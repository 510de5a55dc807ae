// The canary judge as a Rollouts metric provider: detect how canary and stable are labelled, run the planned
// PromQL, judge, apply the metric's conditions, fetch exemplar trace ids for failing checks, record the analysis
// span, and answer one Measurement. Backend trouble is Error (never Failed); telemetry trouble changes nothing.
import type { Tracer } from '@opentelemetry/api';
import { JudgeConfigError, parseJudgeConfig, type BackendConfig, type JudgeConfig } from '../judge/config.js';
import { planDetection, planQueries, pickSelection, type Selection } from '../judge/plan.js';
import { DEFAULT_DURATION_METRIC, type DetectedMode } from '../judge/promql.js';
import { vectorSum } from '../judge/results.js';
import { applyConditions, attachExemplars, judge, planExemplars, renderMeasurement, type Verdict as JudgeVerdict } from '../judge/verdict.js';
import type { Logger } from '../log.js';
import { PrometheusClient } from '../prometheus/client.js';
import { ConfigError, type MetadataContext, type MetricProvider, type ResumeContext, type RunContext, type Verdict } from '../provider/types.js';
import { recordAnalysisSpan } from './analysis-span.js';

export interface CanaryJudgeDeps {
  tracer: Tracer;
  logger: Logger;
  makeClient?: (backend: BackendConfig) => PrometheusClient;
}

function configOf(ctx: RunContext | MetadataContext, run?: RunContext['run']): JudgeConfig {
  try {
    return parseJudgeConfig(ctx.metric.config, { args: run?.args ?? {}, labels: run?.labels ?? {}, metricName: ctx.metric.name });
  } catch (err) {
    if (err instanceof JudgeConfigError) throw new ConfigError(`provider.plugin["${ctx.metric.pluginName}"].${err.message}`);
    throw err;
  }
}

/** When the AnalysisRun started (status.startedAt, when the view carries it), else this measurement's start. */
function analysisStart(ctx: RunContext, fallback: Date): Date {
  return ctx.run.startedAt ?? fallback;
}

function errorVerdict(message: string): Verdict {
  return { phase: 'Error', message };
}

export function canaryJudgeProvider(deps: CanaryJudgeDeps): MetricProvider {
  const makeClient = deps.makeClient ?? ((backend: BackendConfig) => new PrometheusClient({ backend }));

  async function detect(config: JudgeConfig, client: PrometheusClient, ctx: RunContext): Promise<{ selection?: Selection; error?: string }> {
    const queries = planDetection(config, ctx.now());
    const results = await client.runAll(queries, ctx.signal);
    const found: Partial<Record<DetectedMode, number>> = {};
    const errors: string[] = [];
    let names: string[] = [];
    for (const q of queries) {
      const r = results[q.key];
      const what = q.key.slice('detect/'.length);
      if (what === 'names') {
        if (r?.ok && r.type === 'vector') names = r.samples.map((s) => s.labels['__name__'] ?? '');
        else errors.push(r && !r.ok ? r.error : `no answer for ${q.key}`);
        continue;
      }
      if (r?.ok) found[what as DetectedMode] = vectorSum(r) ?? 0;
      // Prometheus before 3.0 rejects quoted UTF-8 label names: that only means "not this mode".
      else if (what !== 'utf8' || config.selection.mode === 'utf8') errors.push(r ? r.error : `no answer for ${q.key}`);
    }
    if (errors.length > 0 && Object.keys(found).length === 0) return { error: errors[0] as string };
    const selection = pickSelection(config, found, names);
    return selection ? { selection } : {};
  }

  async function measure(ctx: RunContext, startedAt: Date): Promise<Verdict> {
    const config = configOf(ctx, ctx.run);
    const client = makeClient(config.backend);
    const now = ctx.now();
    const detected = await detect(config, client, ctx);
    if (detected.error) return errorVerdict(`backend ${client.address}: ${detected.error}`);
    if (!detected.selection) {
      const s = config.selection;
      return {
        phase: 'Inconclusive',
        message: `Inconclusive: no telemetry for canary (${s.canary}) or stable (${s.stable}): no series carry ${s.label} (as a label or on target_info) or "${s.utf8Label}"${s.matchers ? ` with ${s.matchers}` : ''}`,
        metadata: { selection: 'none', label: s.label },
      };
    }
    let plan = planQueries(config, detected.selection, now);
    let verdict: JudgeVerdict = judge(config, plan, await client.runAll(plan.queries, ctx.signal), { now, analysisStartedAt: analysisStart(ctx, startedAt) });
    if (verdict.needsFallback) {
      plan = planQueries(config, detected.selection, now, 'stable-previous-window');
      verdict = judge(config, plan, await client.runAll(plan.queries, ctx.signal), { now, analysisStartedAt: analysisStart(ctx, startedAt) });
      if (verdict.needsFallback || (verdict.requests.stable === 0 && verdict.phase !== 'Error')) {
        verdict = { ...verdict, needsFallback: false, phase: 'Inconclusive', message: 'Inconclusive: stable served no requests in this window nor in the previous one; nothing to compare the canary with' };
      }
    }
    verdict = applyConditions(verdict, { successCondition: ctx.metric.successCondition, failureCondition: ctx.metric.failureCondition });
    if (verdict.checks.some((c) => c.outcome === 'fail')) verdict = await withExemplars(config, client, verdict, ctx);
    const traceparent = ctx.run.args[config.traceparentArg];
    const span = recordAnalysisSpan(deps.tracer, {
      run: ctx.run,
      metric: ctx.metric,
      verdict,
      phase: verdict.phase,
      ...(traceparent ? { traceparent } : {}),
      startTime: startedAt,
      endTime: ctx.now(),
    });
    const fields = renderMeasurement(verdict, span ? { 'analysis.trace_id': span.traceId, 'analysis.span_id': span.spanId } : {});
    deps.logger.info('canary judged', { metric: ctx.metric.name, analysisRun: ctx.run.name, phase: verdict.phase, score: verdict.score, decidingCheck: verdict.decidingCheck ?? '' });
    return {
      phase: verdict.phase,
      value: fields.value,
      message: fields.message,
      metadata: fields.metadata,
      ...(verdict.phase === 'Running' ? { resumeAt: new Date(ctx.now().getTime() + (verdict.resumeAfterSeconds ?? 10) * 1000) } : {}),
    };
  }

  async function withExemplars(config: JudgeConfig, client: PrometheusClient, verdict: JudgeVerdict, ctx: RunContext): Promise<JudgeVerdict> {
    let instances: string[] = [];
    if (verdict.mode === 'target_info') {
      const r = await client.run({ key: 'instances', kind: 'instant', query: `target_info{${config.selection.label}=${JSON.stringify(config.selection.canary)}}`, time: verdict.window.end }, ctx.signal);
      if (r.ok && r.type === 'vector') instances = [...new Set(r.samples.map((s) => s.labels['instance']).filter((x): x is string => !!x))];
    }
    const requests = planExemplars(config, verdict, instances);
    const found = await Promise.all(
      requests.map(async (request) => {
        const r = await client.exemplars(request.query, request.start, request.end, ctx.signal);
        if (!r.ok) deps.logger.warn('exemplars unavailable', { check: request.check, error: r.error });
        return { request, exemplars: r.ok ? r.exemplars : [] };
      }),
    );
    return attachExemplars(config, verdict, found);
  }

  return {
    run: (ctx) => measure(ctx, ctx.now()),
    // A Running measurement (waiting for the minimum analysis time) is judged again on resume.
    resume: (ctx: ResumeContext) => measure(ctx, ctx.previous.startedAt ?? ctx.now()),
    terminate: async (ctx: ResumeContext) => ({
      phase: 'Successful',
      message: `analysis terminated while ${ctx.previous.phase || 'pending'}; last result: ${ctx.previous.message || 'none'}`,
      value: ctx.previous.value,
      metadata: ctx.previous.metadata,
    }),
    metadata: async (ctx) => {
      const config = configOf(ctx);
      const mode = config.selection.mode === 'auto' ? 'label' : config.selection.mode;
      const plan = planQueries(config, { mode, metric: config.durationMetric === 'auto' ? DEFAULT_DURATION_METRIC : config.durationMetric }, ctx.now());
      const out: Record<string, string> = { provider: 'argo-otel canary judge', preset: config.preset, backend: new URL(config.backend.address).origin };
      for (const q of plan.queries) out[`query.${q.key}`] = q.query;
      return out;
    },
    garbageCollect: async () => {},
  };
}
