// From check verdicts to one measurement: Kayenta-style weighted score with critical checks and a no-data kill
// switch, minimum samples and minimum analysis time enforced, and the evidence rendered for Argo Rollouts.
import { runCheck, fmtN, fmtP, type CheckVerdict } from './checks.js';
import type { JudgeConfig } from './config.js';
import { evaluateConditions, type ConditionValue } from './conditions.js';
import type { QueryPlan } from './plan.js';
import { exemplarSelector, statusMatcher, routeLabel, quote } from './promql.js';
import { vectorSum, type Exemplar, type QueryResult } from './results.js';

export type JudgePhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error' | 'Running';

export interface Verdict {
  phase: JudgePhase;
  score: number;
  /** One human sentence naming the deciding check and its numbers. */
  message: string;
  decidingCheck?: string;
  checks: CheckVerdict[];
  requests: { canary: number; stable: number };
  mode: QueryPlan['mode'];
  metric: string;
  baseline: QueryPlan['baseline'];
  window: { start: number; end: number };
  /** Stable had no traffic and the previous-window fallback is on: re-plan with that baseline and judge again. */
  needsFallback?: boolean;
  /** With phase Running: ask again after this many seconds. */
  resumeAfterSeconds?: number;
}

export interface JudgeClock {
  now: Date;
  /** When the AnalysisRun started (status.startedAt), for the minimum analysis time. */
  analysisStartedAt?: Date;
}

/** Decide one measurement from the results of `plan`. Pure. */
export function judge(config: JudgeConfig, plan: QueryPlan, results: Readonly<Record<string, QueryResult | undefined>>, clock: JudgeClock): Verdict {
  const base = { mode: plan.mode, metric: plan.metric, baseline: plan.baseline, window: { start: plan.start, end: plan.end } };
  for (const side of ['canary', 'stable'] as const) {
    const r = results[`requests/${side}`];
    if (!r || !r.ok) {
      const why = !r ? 'no answer' : r.error;
      return { ...base, phase: 'Error', score: 0, message: `backend query for ${side} requests failed: ${why}`, checks: [], requests: { canary: 0, stable: 0 } };
    }
  }
  const requests = { canary: Math.round(vectorSum(results['requests/canary']) ?? 0), stable: Math.round(vectorSum(results['requests/stable']) ?? 0) };
  if (requests.stable === 0 && plan.baseline === 'stable' && config.previousWindowFallback && requests.canary > 0) {
    return { ...base, phase: 'Inconclusive', score: 0, message: 'stable served no requests in the window; comparing with its previous window', checks: [], requests, needsFallback: true };
  }
  const checks = config.checks.map((c) => runCheck({ config, plan, results, requests }, c));
  const errored = checks.find((c) => c.outcome === 'error');
  if (errored) {
    return { ...base, phase: 'Error', score: 0, message: `${errored.name}: ${errored.reason}`, decidingCheck: errored.name, checks, requests };
  }
  const against = plan.baseline === 'stable' ? 'stable' : "stable's previous window";
  const criticalFail = checks.find((c) => c.critical && c.outcome === 'fail');
  const fails = checks.filter((c) => c.outcome === 'fail');
  const passes = checks.filter((c) => c.outcome === 'pass');
  const nodata = checks.filter((c) => c.outcome === 'nodata');
  const judgedWeight = [...fails, ...passes].reduce((s, c) => s + c.weight, 0);
  const passWeight = passes.reduce((s, c) => s + c.weight, 0);
  let score = judgedWeight === 0 ? 0 : Math.round((10000 * passWeight) / judgedWeight) / 100;
  if (criticalFail) score = 0;

  if (criticalFail) {
    return { ...base, phase: 'Failed', score, message: `Failed: ${criticalFail.name} (critical) ${criticalFail.reason}`, decidingCheck: criticalFail.name, checks, requests };
  }
  // Kayenta's kill switch: when half or more of the checks have no data, no score is trustworthy.
  if (nodata.length > 0 && nodata.length * 2 >= checks.length) {
    const first = nodata[0] as CheckVerdict;
    return { ...base, phase: 'Inconclusive', score: 0, message: `Inconclusive: ${first.name}: ${first.reason}`, decidingCheck: first.name, checks, requests };
  }
  const worst = [...fails].sort((a, b) => b.weight - a.weight)[0];
  let phase: JudgePhase = score >= config.scoreThresholds.pass ? 'Successful' : score >= config.scoreThresholds.marginal ? 'Inconclusive' : 'Failed';
  let message: string;
  if (phase === 'Successful') {
    message = `Successful: score ${score}, ${passes.length}/${checks.length} checks passed against ${against} (canary n=${fmtN(requests.canary)}, ${against} n=${fmtN(requests.stable)})${nodata.length > 0 ? `; no data for ${nodata.map((c) => c.name).join(', ')}` : ''}`;
  } else {
    message = `${phase}: score ${score} < ${phase === 'Failed' ? config.scoreThresholds.marginal : config.scoreThresholds.pass}; ${worst ? `${worst.name} ${worst.reason}` : 'no check passed'}`;
  }
  const decidingCheck = phase === 'Successful' ? undefined : worst?.name;
  if (phase === 'Successful' && config.minAnalysisSeconds > 0 && clock.analysisStartedAt) {
    const elapsed = (clock.now.getTime() - clock.analysisStartedAt.getTime()) / 1000;
    if (elapsed < config.minAnalysisSeconds) {
      const wait = Math.ceil(config.minAnalysisSeconds - elapsed);
      phase = 'Running';
      message = `Running: checks pass so far (score ${score}), promoting only after ${config.minAnalysisSeconds}s of analysis (${Math.floor(elapsed)}s so far)`;
      return { ...base, phase, score, message, checks, requests, resumeAfterSeconds: wait };
    }
  }
  return { ...base, phase, score, message, ...(decidingCheck ? { decidingCheck } : {}), checks, requests };
}

/** The object `successCondition`/`failureCondition` see as `result`. */
export function conditionResult(v: Verdict): ConditionValue {
  const checks: Record<string, ConditionValue> = {};
  for (const c of v.checks) {
    checks[c.name] = {
      outcome: c.outcome,
      canary: c.canary,
      stable: c.stable,
      pValue: c.pValue ?? null,
      n: { canary: c.n.canary, stable: c.n.stable },
      worstRoute: c.worstRoute ?? null,
    };
  }
  return { phase: v.phase, score: v.score, requests: { canary: v.requests.canary, stable: v.requests.stable }, checks };
}

/** Apply the metric's conditions (if any) over the verdict; without conditions the judge's phase stands. */
export function applyConditions(v: Verdict, conditions: { successCondition?: string; failureCondition?: string }): Verdict {
  if (v.phase === 'Error' || v.phase === 'Running' || v.needsFallback) return v;
  const r = evaluateConditions(conditionResult(v), conditions, v.phase);
  if (r.phase === v.phase) return v;
  const why = r.error ? `condition error: ${r.error}` : `by ${r.phase === 'Successful' || r.phase === 'Inconclusive' ? 'successCondition' : 'failureCondition'} (judge said ${v.phase}, score ${v.score})`;
  return { ...v, phase: r.phase, message: `${r.phase}: ${why}; ${v.message.replace(/^\w+: /, '')}` };
}

export interface MeasurementFields {
  value: string;
  message: string;
  metadata: Record<string, string>;
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '' : Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));

/** Value (compact JSON summary), Message and Metadata of the Argo Rollouts Measurement. */
export function renderMeasurement(v: Verdict, extra: Record<string, string> = {}): MeasurementFields {
  const summary = { score: v.score, phase: v.phase, checks: Object.fromEntries(v.checks.map((c) => [c.name, c.outcome])) };
  const metadata: Record<string, string> = {
    score: String(v.score),
    selection: v.mode,
    baseline: v.baseline,
    window: `${new Date(v.window.start * 1000).toISOString()}/${new Date(v.window.end * 1000).toISOString()}`,
    'requests.canary': String(v.requests.canary),
    'requests.stable': String(v.requests.stable),
    ...(v.decidingCheck ? { decidingCheck: v.decidingCheck } : {}),
  };
  for (const c of v.checks) {
    const p = `check.${c.name}`;
    metadata[`${p}.outcome`] = c.outcome;
    metadata[`${p}.reason`] = c.reason;
    metadata[`${p}.canary`] = num(c.canary);
    metadata[`${p}.stable`] = num(c.stable);
    metadata[`${p}.n`] = `${c.n.canary}/${c.n.stable}`;
    metadata[`${p}.threshold`] = c.threshold;
    if (c.pValue !== undefined) metadata[`${p}.pValue`] = fmtP(c.pValue);
    if (c.test) metadata[`${p}.test`] = c.test;
    if (c.ci) metadata[`${p}.ci`] = `${num(c.ci[0])}…${num(c.ci[1])}`;
    if (c.bounds) metadata[`${p}.bounds`] = `canary ${num(c.bounds.canary[0])}…${num(c.bounds.canary[1])}, stable ${num(c.bounds.stable[0])}…${num(c.bounds.stable[1])}`;
    if (c.rankTest) metadata[`${p}.rankTest`] = `HL shift ${num(c.rankTest.shift)} (CI ${num(c.rankTest.ci[0])}…${num(c.rankTest.ci[1])}), p=${fmtP(c.rankTest.pValue)}, points ${c.rankTest.points.canary}/${c.rankTest.points.stable}`;
    if (c.worstRoute !== undefined) metadata[`${p}.worstRoute`] = c.worstRoute;
    if (c.exemplarTraceIds && c.exemplarTraceIds.length > 0) metadata[`${p}.exemplarTraceIds`] = c.exemplarTraceIds.join(',');
    c.queries.forEach((q, i) => (metadata[`${p}.query.${i}`] = q));
  }
  return { value: JSON.stringify(summary), message: v.message, metadata: { ...metadata, ...extra } };
}

export interface ExemplarRequest {
  check: string;
  query: string;
  start: number;
  end: number;
  /** Keep only exemplars whose value exceeds this (latency), when set. */
  minValue?: number;
}

/** For each failing check, where to find canary requests that show the failure ("show me the failing requests"). */
export function planExemplars(config: JudgeConfig, v: Verdict, canaryInstances: readonly string[] = []): ExemplarRequest[] {
  if (!config.exemplars.enabled || config.exemplars.limit === 0) return [];
  const out: ExemplarRequest[] = [];
  for (const c of v.checks) {
    if (c.outcome !== 'fail') continue;
    const extra: string[] = [];
    if (c.worstRoute !== undefined) extra.push(`${routeLabel(v.mode)}=${quote(c.worstRoute)}`);
    if (c.type === 'error-rate') extra.push(statusMatcher(v.mode));
    if (c.type !== 'error-rate' && c.type !== 'latency') continue;
    out.push({
      check: c.name,
      query: exemplarSelector(config, v.mode, v.metric, extra, canaryInstances),
      start: v.window.start,
      end: v.window.end,
      ...(c.type === 'latency' && c.stable !== null && Number.isFinite(c.stable) ? { minValue: c.stable } : {}),
    });
  }
  return out;
}

/** Attach up to `limit` distinct trace ids per check, slowest first for latency. */
export function attachExemplars(config: JudgeConfig, v: Verdict, found: ReadonlyArray<{ request: ExemplarRequest; exemplars: readonly Exemplar[] }>): Verdict {
  const byCheck = new Map<string, string[]>();
  for (const { request, exemplars } of found) {
    const picked = exemplars
      .filter((e) => request.minValue === undefined || e.value > request.minValue)
      .sort((a, b) => b.value - a.value || a.traceId.localeCompare(b.traceId))
      .map((e) => e.traceId);
    byCheck.set(request.check, [...new Set(picked)].slice(0, config.exemplars.limit));
  }
  return { ...v, checks: v.checks.map((c) => (byCheck.has(c.name) ? { ...c, exemplarTraceIds: byCheck.get(c.name) as string[] } : c)) };
}
