// One function per check type: query results in, a CheckVerdict out. Pure; every number that decided the outcome
// is kept as evidence.
import type { CheckConfig, CustomCheck, Direction, ErrorRateCheck, JudgeConfig, LatencyCheck, RequestRateCheck } from './config.js';
import { queryKey, type QueryPlan } from './plan.js';
import { routeLabel } from './promql.js';
import { vectorBy, vectorSum, type QueryResult } from './results.js';
import { compareHistograms, histogramQuantile, type Bucket } from './stats/histogram.js';
import { hodgesLehmann, mannWhitneyU } from './stats/mann-whitney.js';
import { compareProportions, type Alternative } from './stats/proportions.js';

export type Outcome = 'pass' | 'fail' | 'nodata' | 'error';

export interface RouteVerdict {
  route: string;
  outcome: Outcome;
  canary: number | null;
  stable: number | null;
  n: { canary: number; stable: number };
  pValue?: number;
}

export interface CheckVerdict {
  name: string;
  type: CheckConfig['type'];
  outcome: Outcome;
  critical: boolean;
  weight: number;
  /** One clause a human reads, e.g. "canary 4.1% vs stable 0.9% (+3.2 pp, p=0.0004) > allowed +1.0 pp". */
  reason: string;
  canary: number | null;
  stable: number | null;
  unit: 'ratio' | 'seconds' | 'per-second' | 'value';
  n: { canary: number; stable: number };
  threshold: string;
  test?: string;
  pValue?: number;
  ci?: readonly [number, number];
  /** Bucket bounds of each side's quantile estimate: the estimate's error bound. */
  bounds?: { canary: readonly [number, number]; stable: readonly [number, number] };
  /** Rank test on the time series (Kayenta-style), when run. */
  rankTest?: { pValue: number; shift: number; ci: readonly [number, number]; points: { canary: number; stable: number } };
  worstRoute?: string;
  routes?: RouteVerdict[];
  queries: string[];
  exemplarTraceIds?: string[];
}

export interface CheckInput {
  config: JudgeConfig;
  plan: QueryPlan;
  results: Readonly<Record<string, QueryResult | undefined>>;
  requests: { canary: number; stable: number };
}

const fmtPct = (x: number): string => `${(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.001 ? 3 : 2)}%`;
const fmtS = (x: number): string => (Number.isFinite(x) ? (x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(3)} s`) : String(x));
export const fmtP = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toPrecision(2));
/** A fraction as percent digits for messages: 0.29 → "29" (0.29 * 100 is 28.999999999999996 in floating point). */
const percentDigits = (x: number): string => String(Number((x * 100).toPrecision(10)));
export const fmtN = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n)));

function alternativeFor(direction: Direction): Alternative {
  return direction === 'increase' ? 'greater' : direction === 'decrease' ? 'less' : 'two-sided';
}

/** Is `delta` (canary − stable, or a relative change) beyond the tolerated change in the harmful direction? */
function harmful(direction: Direction, delta: number, tolerance: number): boolean {
  if (direction === 'increase') return delta > tolerance;
  if (direction === 'decrease') return -delta > tolerance;
  return Math.abs(delta) > tolerance;
}

function queriesOf(input: CheckInput, check: string, whats: readonly string[]): string[] {
  const keys = new Set(['canary', 'stable'].flatMap((side) => whats.map((w) => (w.startsWith('requests') ? `requests/${side}` : queryKey(check, side as 'canary', w)))));
  return input.plan.queries.filter((q) => keys.has(q.key)).map((q) => q.query);
}

function failedQuery(input: CheckInput, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const r = input.results[k];
    if (!r) return `no result for query ${k}`;
    if (!r.ok) return `query ${k} failed: ${r.error}`;
  }
  return undefined;
}

function errorVerdict(check: CheckConfig, reason: string, queries: string[]): CheckVerdict {
  return { name: check.name, type: check.type, outcome: 'error', critical: check.critical, weight: check.weight, reason, canary: null, stable: null, unit: 'value', n: { canary: 0, stable: 0 }, threshold: '', queries };
}

function insufficient(input: CheckInput, n: { canary: number; stable: number }): string | undefined {
  const min = input.config.minRequests;
  if (n.canary < min || n.stable < min) {
    return `too little traffic: canary n=${fmtN(n.canary)}, stable n=${fmtN(n.stable)} (need ${min} per side)`;
  }
  return undefined;
}

export function requestRateCheck(input: CheckInput, check: RequestRateCheck): CheckVerdict {
  const { canary, stable } = input.requests;
  const seconds = input.config.windowSeconds;
  const base = {
    name: check.name, type: check.type, critical: check.critical, weight: check.weight, unit: 'per-second' as const,
    canary: canary / seconds, stable: stable / seconds, n: { canary, stable }, queries: queriesOf(input, check.name, ['requests']),
    threshold: check.minRatio > 0 ? `canary/stable rate ≥ ${check.minRatio}` : `≥ ${input.config.minRequests} requests per side`,
  };
  const lack = insufficient(input, { canary, stable });
  if (lack) return { ...base, outcome: 'nodata', reason: lack };
  const ratio = stable === 0 ? Number.POSITIVE_INFINITY : canary / stable;
  if (check.minRatio > 0 && ratio < check.minRatio) {
    return { ...base, outcome: 'fail', reason: `canary serves ${(canary / seconds).toFixed(2)}/s vs stable ${(stable / seconds).toFixed(2)}/s (ratio ${ratio.toFixed(3)} < ${check.minRatio})` };
  }
  return { ...base, outcome: 'pass', reason: `canary ${(canary / seconds).toFixed(2)}/s, stable ${(stable / seconds).toFixed(2)}/s` };
}

interface RateStats {
  outcome: Outcome;
  reason: string;
  canaryRate: number;
  stableRate: number;
  pValue?: number;
  ci?: readonly [number, number];
  test?: string;
}

function judgeRates(input: CheckInput, check: ErrorRateCheck, n: { canary: number; stable: number }, e: { canary: number; stable: number }, alpha: number): RateStats {
  const nc = Math.round(n.canary);
  const ns = Math.round(n.stable);
  const ec = Math.min(nc, Math.round(e.canary));
  const es = Math.min(ns, Math.round(e.stable));
  const rc = nc === 0 ? 0 : ec / nc;
  const rs = ns === 0 ? 0 : es / ns;
  const diff = rc - rs;
  const lack = insufficient(input, { canary: nc, stable: ns });
  if (lack) return { outcome: 'nodata', reason: lack, canaryRate: rc, stableRate: rs };
  const sign = diff >= 0 ? '+' : '−';
  const pp = `${sign}${(Math.abs(diff) * 100).toFixed(2)} pp`;
  const allowed = `allowed ${check.direction === 'decrease' ? '−' : '+'}${(check.maxIncrease * 100).toFixed(2)} pp`;
  if (check.thresholdOnly) {
    const bad = harmful(check.direction, diff, check.maxIncrease);
    return {
      outcome: bad ? 'fail' : 'pass',
      reason: `canary ${fmtPct(rc)} vs stable ${fmtPct(rs)} (${pp}, n=${fmtN(nc)}/${fmtN(ns)}) ${bad ? '>' : '≤'} ${allowed}`,
      canaryRate: rc,
      stableRate: rs,
    };
  }
  const t = compareProportions({ events: ec, total: nc }, { events: es, total: ns }, { alternative: alternativeFor(check.direction), confidence: input.config.confidence });
  const significant = t.pValue < alpha;
  const bad = significant && harmful(check.direction, diff, check.maxIncrease);
  const why = bad ? `> ${allowed}` : significant ? `within ${allowed}` : `not significant at ${(1 - alpha).toFixed(3).replace(/0+$/, '')}`;
  return {
    outcome: bad ? 'fail' : 'pass',
    reason: `canary ${fmtPct(rc)} vs stable ${fmtPct(rs)} (${pp}, p=${fmtP(t.pValue)}, n=${fmtN(nc)}/${fmtN(ns)}) ${why}`,
    canaryRate: rc,
    stableRate: rs,
    pValue: t.pValue,
    ci: t.ci,
    test: t.test,
  };
}

export function errorRateCheck(input: CheckInput, check: ErrorRateCheck): CheckVerdict {
  const keys = ['requests/canary', 'requests/stable', queryKey(check.name, 'canary', 'errors'), queryKey(check.name, 'stable', 'errors')];
  if (check.perRoute) for (const s of ['canary', 'stable'] as const) keys.push(queryKey(check.name, s, 'route-requests'), queryKey(check.name, s, 'route-errors'));
  const queries = queriesOf(input, check.name, ['requests', 'errors', ...(check.perRoute ? ['route-requests', 'route-errors'] : [])]);
  const failed = failedQuery(input, keys);
  if (failed) return errorVerdict(check, failed, queries);
  const alpha = 1 - input.config.confidence;
  const n = input.requests;
  const e = {
    canary: vectorSum(input.results[queryKey(check.name, 'canary', 'errors')]) ?? 0,
    stable: vectorSum(input.results[queryKey(check.name, 'stable', 'errors')]) ?? 0,
  };
  const overall = judgeRates(input, check, n, e, alpha);
  const verdict: CheckVerdict = {
    name: check.name, type: check.type, outcome: overall.outcome, critical: check.critical, weight: check.weight,
    reason: overall.reason, canary: overall.canaryRate, stable: overall.stableRate, unit: 'ratio',
    n: { canary: Math.round(n.canary), stable: Math.round(n.stable) },
    threshold: check.thresholdOnly ? `canary − stable ≤ ${check.maxIncrease}` : `canary − stable ≤ ${check.maxIncrease} or not significant (p ≥ ${fmtP(alpha)})`,
    queries,
    ...(overall.pValue !== undefined ? { pValue: overall.pValue } : {}),
    ...(overall.ci ? { ci: overall.ci } : {}),
    ...(overall.test ? { test: overall.test } : {}),
  };
  if (!check.perRoute || overall.outcome === 'nodata') return verdict;
  const route = routeLabel(input.plan.mode);
  const req = { canary: vectorBy(input.results[queryKey(check.name, 'canary', 'route-requests')], route) ?? new Map(), stable: vectorBy(input.results[queryKey(check.name, 'stable', 'route-requests')], route) ?? new Map() };
  const err = { canary: vectorBy(input.results[queryKey(check.name, 'canary', 'route-errors')], route) ?? new Map(), stable: vectorBy(input.results[queryKey(check.name, 'stable', 'route-errors')], route) ?? new Map() };
  const routes = [...new Set([...req.canary.keys(), ...req.stable.keys()])].sort();
  const testable = routes.filter((r) => (req.canary.get(r) ?? 0) >= input.config.minRequests && (req.stable.get(r) ?? 0) >= input.config.minRequests);
  // Bonferroni: one test per testable route, so the family-wise error stays at alpha.
  const routeAlpha = alpha / Math.max(1, testable.length);
  const verdicts: RouteVerdict[] = routes.map((r) => {
    const rn = { canary: req.canary.get(r) ?? 0, stable: req.stable.get(r) ?? 0 };
    const rs = judgeRates(input, check, rn, { canary: err.canary.get(r) ?? 0, stable: err.stable.get(r) ?? 0 }, routeAlpha);
    return { route: r, outcome: rs.outcome, canary: rs.canaryRate, stable: rs.stableRate, n: { canary: Math.round(rn.canary), stable: Math.round(rn.stable) }, ...(rs.pValue !== undefined ? { pValue: rs.pValue } : {}), reason: rs.reason } as RouteVerdict & { reason: string };
  });
  verdict.routes = verdicts.map(({ route: r, outcome, canary, stable, n: rn, pValue }) => ({ route: r, outcome, canary, stable, n: rn, ...(pValue !== undefined ? { pValue } : {}) }));
  const fails = verdicts.filter((v) => v.outcome === 'fail').sort((a, b) => ((b.canary ?? 0) - (b.stable ?? 0)) - ((a.canary ?? 0) - (a.stable ?? 0)));
  const worst = fails[0] as (RouteVerdict & { reason: string }) | undefined;
  if (worst) {
    verdict.outcome = 'fail';
    verdict.worstRoute = worst.route;
    verdict.reason = `route ${worst.route}: ${worst.reason} (Bonferroni over ${testable.length} routes)`;
  }
  return verdict;
}

/** Cumulative buckets from an instant vector with an `le` label (optionally only one route). */
export function bucketsFrom(r: QueryResult | undefined, filter?: { label: string; value: string }): Bucket[] {
  if (!r || !r.ok || r.type !== 'vector') return [];
  const byLe = new Map<number, number>();
  for (const s of r.samples) {
    if (filter && (s.labels[filter.label] ?? '') !== filter.value) continue;
    const leText = s.labels['le'];
    if (leText === undefined) continue;
    const le = leText === '+Inf' ? Number.POSITIVE_INFINITY : Number(leText);
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + (Number.isFinite(s.value) ? s.value : 0));
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count }));
}

function total(b: readonly Bucket[]): number {
  return b.find((x) => x.le === Number.POSITIVE_INFINITY)?.count ?? 0;
}

function cumulativeAt(b: readonly Bucket[], le: number): number {
  let best = 0;
  for (const x of b) if (x.le <= le && x.count > best) best = x.count;
  return best;
}

interface LatencyStats {
  outcome: Outcome;
  reason: string;
  canaryQ: number;
  stableQ: number;
  n: { canary: number; stable: number };
  bounds: { canary: readonly [number, number]; stable: readonly [number, number] };
  pValue?: number;
  test?: string;
}

function judgeLatency(input: CheckInput, check: LatencyCheck, canary: Bucket[], stable: Bucket[], alpha: number): LatencyStats {
  const n = { canary: Math.round(total(canary)), stable: Math.round(total(stable)) };
  const qc = histogramQuantile(check.quantile, canary);
  const qs = histogramQuantile(check.quantile, stable);
  const bounds = { canary: [qc.lower, qc.upper] as const, stable: [qs.lower, qs.upper] as const };
  const pname = `p${percentDigits(check.quantile).replace('.', '')}`;
  const lack = insufficient(input, n);
  if (lack) return { outcome: 'nodata', reason: lack, canaryQ: qc.value, stableQ: qs.value, n, bounds };
  const ratio = qs.value > 0 ? qc.value / qs.value : qc.value > 0 ? Number.POSITIVE_INFINITY : 1;
  const change = `${ratio >= 1 ? '+' : '−'}${(Math.abs(ratio - 1) * 100).toFixed(0)}%`;
  const allowed = `allowed +${((check.maxRatio - 1) * 100).toFixed(0)}%`;
  const head = `canary ${pname} ${fmtS(qc.value)} vs stable ${fmtS(qs.value)} (${change}, n=${fmtN(n.canary)}/${fmtN(n.stable)})`;
  if (check.thresholdOnly) {
    const bad = harmful(check.direction, ratio - 1, check.maxRatio - 1);
    return { outcome: bad ? 'fail' : 'pass', reason: `${head} ${bad ? '>' : '≤'} ${allowed}`, canaryQ: qc.value, stableQ: qs.value, n, bounds };
  }
  // Tail exceedance at a bucket boundary: the share of requests slower than the stable quantile's bucket bound is an
  // exact count (no interpolation), so a proportion test on it is sound even with coarse buckets.
  const boundary = check.direction === 'decrease' ? qs.lower : qs.upper;
  if (!Number.isFinite(boundary)) {
    return { outcome: 'pass', reason: `${head}; stable ${pname} lies in the +Inf bucket, so the buckets cannot resolve a change`, canaryQ: qc.value, stableQ: qs.value, n, bounds };
  }
  const exceedC = n.canary - Math.round(cumulativeAt(canary, boundary));
  const exceedS = n.stable - Math.round(cumulativeAt(stable, boundary));
  const t = compareProportions({ events: Math.max(0, exceedC), total: n.canary }, { events: Math.max(0, exceedS), total: n.stable }, { alternative: alternativeFor(check.direction), confidence: input.config.confidence });
  const significant = t.pValue < alpha;
  const bad = significant && harmful(check.direction, ratio - 1, check.maxRatio - 1);
  const tail = `share slower than ${fmtS(boundary)}: ${fmtPct(exceedC / n.canary)} vs ${fmtPct(exceedS / n.stable)}, p=${fmtP(t.pValue)}`;
  const why = bad ? `> ${allowed}` : significant ? `within ${allowed}` : 'not significant';
  return { outcome: bad ? 'fail' : 'pass', reason: `${head}; ${tail}; ${why}`, canaryQ: qc.value, stableQ: qs.value, n, bounds, pValue: t.pValue, test: `tail-exceedance ${t.test}` };
}

function seriesPoints(r: QueryResult | undefined): number[] {
  if (!r || !r.ok) return [];
  if (r.type === 'vector') return r.samples.map((s) => s.value).filter(Number.isFinite);
  return r.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
}

function rankTest(input: CheckInput, check: CheckConfig, alternative: Alternative): CheckVerdict['rankTest'] | undefined {
  const c = seriesPoints(input.results[queryKey(check.name, 'canary', 'series')]);
  const s = seriesPoints(input.results[queryKey(check.name, 'stable', 'series')]);
  if (c.length < input.config.minPoints || s.length < input.config.minPoints) return undefined;
  const mw = mannWhitneyU(c, s, { alternative });
  const hl = hodgesLehmann(c, s, input.config.confidence);
  return { pValue: mw.pValue, shift: hl.shift, ci: hl.ci, points: { canary: c.length, stable: s.length } };
}

export function latencyCheck(input: CheckInput, check: LatencyCheck): CheckVerdict {
  const keys = [queryKey(check.name, 'canary', 'buckets'), queryKey(check.name, 'stable', 'buckets')];
  if (check.perRoute) keys.push(queryKey(check.name, 'canary', 'route-buckets'), queryKey(check.name, 'stable', 'route-buckets'));
  const queries = queriesOf(input, check.name, ['buckets', 'series', ...(check.perRoute ? ['route-buckets'] : [])]);
  const failed = failedQuery(input, keys);
  if (failed) return errorVerdict(check, failed, queries);
  const alpha = 1 - input.config.confidence;
  const overall = judgeLatency(input, check, bucketsFrom(input.results[keys[0] as string]), bucketsFrom(input.results[keys[1] as string]), alpha);
  const verdict: CheckVerdict = {
    name: check.name, type: check.type, outcome: overall.outcome, critical: check.critical, weight: check.weight,
    reason: overall.reason, canary: overall.canaryQ, stable: overall.stableQ, unit: 'seconds', n: overall.n,
    threshold: `canary p${percentDigits(check.quantile)} ≤ ${check.maxRatio} × stable${check.thresholdOnly ? '' : ' or not significant'}`,
    bounds: overall.bounds, queries,
    ...(overall.pValue !== undefined ? { pValue: overall.pValue } : {}),
    ...(overall.test ? { test: overall.test } : {}),
  };
  if (!check.thresholdOnly) {
    const rt = rankTest(input, check, alternativeFor(check.direction));
    if (rt) verdict.rankTest = rt;
  }
  if (!check.perRoute || overall.outcome === 'nodata') return verdict;
  const route = routeLabel(input.plan.mode);
  const rc = input.results[keys[2] as string];
  const rs = input.results[keys[3] as string];
  const routes = [...new Set([...bucketsRoutes(rc, route), ...bucketsRoutes(rs, route)])].sort();
  const perRoute = routes.map((r) => ({ r, c: bucketsFrom(rc, { label: route, value: r }), s: bucketsFrom(rs, { label: route, value: r }) }));
  const testable = perRoute.filter((x) => total(x.c) >= input.config.minRequests && total(x.s) >= input.config.minRequests).length;
  const routeAlpha = alpha / Math.max(1, testable);
  const judged = perRoute.map((x) => ({ route: x.r, stats: judgeLatency(input, check, x.c, x.s, routeAlpha) }));
  verdict.routes = judged.map(({ route: r, stats }) => ({ route: r, outcome: stats.outcome, canary: stats.canaryQ, stable: stats.stableQ, n: stats.n, ...(stats.pValue !== undefined ? { pValue: stats.pValue } : {}) }));
  const worst = judged.filter((j) => j.stats.outcome === 'fail').sort((a, b) => b.stats.canaryQ / b.stats.stableQ - a.stats.canaryQ / a.stats.stableQ)[0];
  if (worst) {
    verdict.outcome = 'fail';
    verdict.worstRoute = worst.route;
    verdict.reason = `route ${worst.route}: ${worst.stats.reason} (Bonferroni over ${testable} routes)`;
    verdict.canary = worst.stats.canaryQ;
    verdict.stable = worst.stats.stableQ;
    verdict.bounds = worst.stats.bounds;
    if (worst.stats.pValue !== undefined) verdict.pValue = worst.stats.pValue;
  }
  return verdict;
}

function bucketsRoutes(r: QueryResult | undefined, label: string): string[] {
  if (!r || !r.ok || r.type !== 'vector') return [];
  return [...new Set(r.samples.map((s) => s.labels[label] ?? ''))];
}

export function customCheck(input: CheckInput, check: CustomCheck): CheckVerdict {
  const what = check.kind === 'histogram' ? 'buckets' : 'series';
  const keys = [queryKey(check.name, 'canary', what), queryKey(check.name, 'stable', what)];
  const queries = queriesOf(input, check.name, [what]);
  const failed = failedQuery(input, keys);
  if (failed) return errorVerdict(check, failed, queries);
  const alpha = 1 - input.config.confidence;
  const base = { name: check.name, type: check.type, critical: check.critical, weight: check.weight, queries, unit: 'value' as const };
  if (check.kind === 'histogram') {
    const c = bucketsFrom(input.results[keys[0] as string]);
    const s = bucketsFrom(input.results[keys[1] as string]);
    const n = { canary: Math.round(total(c)), stable: Math.round(total(s)) };
    const qc = histogramQuantile(check.quantile, c);
    const qs = histogramQuantile(check.quantile, s);
    const lack = insufficient(input, n);
    const threshold = `|change of p${percentDigits(check.quantile)}| ≤ ${percentDigits(check.tolerance)}% or distributions not different`;
    if (lack) return { ...base, outcome: 'nodata', reason: lack, canary: qc.value, stable: qs.value, n, threshold };
    let homogeneity;
    try {
      homogeneity = compareHistograms(c, s);
    } catch (err) {
      return { ...errorVerdict(check, (err as Error).message, queries) };
    }
    const rel = qs.value !== 0 ? qc.value / qs.value - 1 : qc.value === 0 ? 0 : Number.POSITIVE_INFINITY;
    const bad = homogeneity.pValue < alpha && harmful(check.direction, rel, check.tolerance);
    return {
      ...base, outcome: bad ? 'fail' : 'pass', canary: qc.value, stable: qs.value, n, threshold,
      reason: `canary p${percentDigits(check.quantile)} ${qc.value.toPrecision(4)} vs stable ${qs.value.toPrecision(4)} (${rel >= 0 ? '+' : '−'}${(Math.abs(rel) * 100).toFixed(1)}%); bucket distributions χ²=${homogeneity.statistic.toFixed(1)}, df=${homogeneity.degreesOfFreedom}, p=${fmtP(homogeneity.pValue)}`,
      pValue: homogeneity.pValue, test: homogeneity.test, bounds: { canary: [qc.lower, qc.upper], stable: [qs.lower, qs.upper] },
    };
  }
  const c = seriesPoints(input.results[keys[0] as string]);
  const s = seriesPoints(input.results[keys[1] as string]);
  const n = { canary: c.length, stable: s.length };
  const threshold = `|shift| ≤ ${percentDigits(check.tolerance)}% of stable median or not significant`;
  if (c.length < input.config.minPoints || s.length < input.config.minPoints) {
    return { ...base, outcome: 'nodata', reason: `too few points: canary ${c.length}, stable ${s.length} (need ${input.config.minPoints} per side)`, canary: null, stable: null, n, threshold };
  }
  const mw = mannWhitneyU(c, s, { alternative: alternativeFor(check.direction) });
  const hl = hodgesLehmann(c, s, input.config.confidence);
  const median = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    const m = v.length;
    return m % 2 ? (v[(m - 1) / 2] as number) : ((v[m / 2 - 1] as number) + (v[m / 2] as number)) / 2;
  };
  const ms = median(s);
  const mc = median(c);
  const rel = ms !== 0 ? hl.shift / Math.abs(ms) : hl.shift === 0 ? 0 : Math.sign(hl.shift) * Number.POSITIVE_INFINITY;
  const bad = mw.pValue < alpha && harmful(check.direction, rel, check.tolerance);
  return {
    ...base, outcome: bad ? 'fail' : 'pass', canary: mc, stable: ms, n, threshold, pValue: mw.pValue, ci: hl.ci, test: `mann-whitney-${mw.method}`,
    reason: `canary median ${mc.toPrecision(4)} vs stable ${ms.toPrecision(4)}; Hodges-Lehmann shift ${hl.shift.toPrecision(3)} (${(rel * 100).toFixed(1)}%, CI ${hl.ci[0].toPrecision(3)}…${hl.ci[1].toPrecision(3)}), p=${fmtP(mw.pValue)}, points ${c.length}/${s.length}`,
    rankTest: { pValue: mw.pValue, shift: hl.shift, ci: hl.ci, points: n },
  };
}

export function runCheck(input: CheckInput, check: CheckConfig): CheckVerdict {
  try {
    switch (check.type) {
      case 'request-rate':
        return requestRateCheck(input, check);
      case 'error-rate':
        return errorRateCheck(input, check);
      case 'latency':
        return latencyCheck(input, check);
      case 'custom':
        return customCheck(input, check);
    }
  } catch (err) {
    return errorVerdict(check, `check failed: ${err instanceof Error ? err.message : String(err)}`, []);
  }
}
