import { describe, expect, it } from 'vitest';
import { JudgeConfigError, parseDuration, parseJudgeConfig, type JudgeConfig } from './config.js';
import { planDetection, planQueries, pickSelection, type QueryPlan } from './plan.js';
import { parseExemplarsResponse, parseQueryResponse, type QueryResult } from './results.js';
import { applyConditions, attachExemplars, judge, planExemplars, renderMeasurement } from './verdict.js';

const OTEL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, Number.POSITIVE_INFINITY];
const context = { args: { 'canary-hash': 'c4n4ry', 'stable-hash': 'st4bl3' }, labels: {}, metricName: 'canary' };
const baseConfig = { backend: { address: 'http://127.0.0.1:9090' } };
const NOW = new Date('2026-12-01T12:00:00Z');

// Deterministic latencies: exponential-ish spread via a fixed LCG.
function latencies(n: number, scale: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 0.01 + scale * -Math.log(1 - x / 2147483648);
  });
}

function bucketVector(values: number[], extra: Record<string, string> = {}): Array<{ labels: Record<string, string>; value: number }> {
  return OTEL_BUCKETS.map((le) => ({ labels: { ...extra, le: le === Number.POSITIVE_INFINITY ? '+Inf' : String(le) }, value: values.filter((v) => v <= le).length }));
}

interface Side {
  routes: Record<string, { latencies: number[]; errors: number }>;
}

function vector(samples: Array<{ labels: Record<string, string>; value: number }>): QueryResult {
  return { ok: true, type: 'vector', samples };
}

/** Answers every planned query from per-route synthetic traffic, the way Prometheus would. */
function answer(plan: QueryPlan, sides: { canary: Side; stable: Side }): Record<string, QueryResult> {
  const out: Record<string, QueryResult> = {};
  for (const q of plan.queries) {
    const [first, side, what] = q.key.split('/') as [string, 'canary' | 'stable', string | undefined];
    const s = sides[(first === 'requests' ? side : side) as 'canary' | 'stable'];
    const routes = Object.entries(s.routes);
    const all = routes.flatMap(([, r]) => r.latencies);
    const errs = routes.reduce((a, [, r]) => a + r.errors, 0);
    if (first === 'requests') out[q.key] = vector([{ labels: {}, value: all.length }]);
    else if (what === 'errors') out[q.key] = vector([{ labels: {}, value: errs }]);
    else if (what === 'route-requests') out[q.key] = vector(routes.map(([r, x]) => ({ labels: { http_route: r }, value: x.latencies.length })));
    else if (what === 'route-errors') out[q.key] = vector(routes.map(([r, x]) => ({ labels: { http_route: r }, value: x.errors })));
    else if (what === 'buckets') out[q.key] = vector(bucketVector(all));
    else if (what === 'route-buckets') out[q.key] = vector(routes.flatMap(([r, x]) => bucketVector(x.latencies, { http_route: r })));
    else if (what === 'series') {
      // per-step p99 points: chunks of the latencies
      const points: Array<[number, number]> = [];
      for (let i = 0; i + 50 <= all.length && points.length < 20; i += 50) {
        const chunk = all.slice(i, i + 50).sort((a, b) => a - b);
        points.push([q.time - points.length * 15, chunk[Math.floor(chunk.length * 0.99)] as number]);
      }
      out[q.key] = { ok: true, type: 'matrix', series: [{ labels: {}, points }] };
    }
  }
  return out;
}

function healthy(seed: number): Side {
  return {
    routes: {
      '/predict': { latencies: latencies(4000, 0.05, seed), errors: 20 },
      '/health': { latencies: latencies(2000, 0.01, seed + 1), errors: 0 },
    },
  };
}

function run(config: JudgeConfig, canary: Side, stable: Side, clock = { now: NOW }) {
  const plan = planQueries(config, { mode: 'label', metric: 'http_server_request_duration_seconds' }, NOW);
  return judge(config, plan, answer(plan, { canary, stable }), clock);
}

describe('config', () => {
  it('fills defaults: statistical preset, hashes from args, window 5m', () => {
    const c = parseJudgeConfig(baseConfig, context);
    expect(c.preset).toBe('statistical');
    expect(c.selection).toMatchObject({ canary: 'c4n4ry', stable: 'st4bl3', label: 'k8s_pod_label_rollouts_pod_template_hash' });
    expect(c.windowSeconds).toBe(300);
    expect(c.checks.map((x) => x.type)).toEqual(['request-rate', 'error-rate', 'latency', 'latency']);
  });
  it('errors name the field path', () => {
    const bad = (cfg: unknown, re: RegExp): void => {
      expect(() => parseJudgeConfig(cfg, context)).toThrow(JudgeConfigError);
      expect(() => parseJudgeConfig(cfg, context)).toThrow(re);
    };
    bad({}, /^backend\.address: is required/);
    bad({ backend: { address: 'ftp://x' } }, /^backend\.address: must be an http\(s\) URL/);
    bad({ ...baseConfig, checks: [{ type: 'latency', quantile: 2 }] }, /^checks\[0\]\.quantile: must be ≤ 0.9999/);
    bad({ ...baseConfig, checks: [{ type: 'nope' }] }, /^checks\[0\]\.type: must be one of/);
    bad({ ...baseConfig, checks: [{ type: 'custom', query: 'up' }] }, /^checks\[0\]\.query: must contain \$__selector/);
    bad({ ...baseConfig, window: 'soon' }, /^window: must be a duration/);
    bad({ ...baseConfig, bogus: 1 }, /^bogus: unknown field/);
    bad({ backend: { address: 'http://p', headers: { Authorization: 'Bearer x' } } }, /bearerTokenFile/);
    bad({ backend: { address: 'https://user:s3cret@mimir.example' } }, /^backend\.address: must not carry credentials \(user:password@\); put a token in bearerTokenFile/);
    expect(() => parseJudgeConfig({ backend: { address: 'https://user:s3cret@mimir.example' } }, context)).not.toThrow(/s3cret/);
    bad({ backend: { address: 'http://p', headers: { 'X Scope': 'a' } } }, /^backend\.headers\["X Scope"\]: is not a valid HTTP header name/);
    bad({ backend: { address: 'http://p', headers: { 'X-Scope-OrgID': 'a\nb' } } }, /^backend\.headers\.X-Scope-OrgID: must not contain CR, LF, NUL/);
    expect(parseJudgeConfig({ backend: { address: 'http://p', headers: { 'X-Scope-OrgID': 'tenant é\t1' } } }, context).backend.headers).toEqual({ 'X-Scope-OrgID': 'tenant é\t1' });
    expect(() => parseJudgeConfig(baseConfig, { ...context, args: {} })).toThrow(/^selection\.canary: no canary value/);
  });
  it('parses Go/Prometheus durations', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('5 minutes')).toBeUndefined();
  });
});

describe('queries', () => {
  const config = parseJudgeConfig({ ...baseConfig, selection: { matchers: 'job="shop/checkout"' } }, context);
  it('label mode selects each side by the promoted hash label', () => {
    const plan = planQueries(config, { mode: 'label', metric: 'http_server_request_duration_seconds' }, NOW);
    const q = plan.queries.find((x) => x.key === 'requests/canary')?.query;
    expect(q).toBe('sum (increase(http_server_request_duration_seconds_count{job="shop/checkout", k8s_pod_label_rollouts_pod_template_hash="c4n4ry"}[300s]))');
  });
  it('target_info mode joins before aggregating', () => {
    const plan = planQueries(config, { mode: 'target_info', metric: 'http_server_request_duration_seconds' }, NOW);
    expect(plan.queries.find((x) => x.key === 'error-rate/stable/errors')?.query).toBe(
      'sum ((increase(http_server_request_duration_seconds_count{job="shop/checkout", http_response_status_code=~"5.."}[300s]) or increase(http_server_request_duration_seconds_count{job="shop/checkout", error_type!=""}[300s])) * on(job, instance) group_left() (target_info{k8s_pod_label_rollouts_pod_template_hash="st4bl3"}))',
    );
  });
  it('utf8 mode quotes the dotted names (Prometheus 3)', () => {
    const plan = planQueries(config, { mode: 'utf8', metric: 'http_server_request_duration_seconds' }, NOW);
    expect(plan.queries.find((x) => x.key === 'latency-p99/canary/buckets')?.query).toContain('{"http.server.request.duration_seconds_bucket", job="shop/checkout", "k8s.pod.label.rollouts-pod-template-hash"="c4n4ry"}');
  });
  it('previous-window baseline offsets only the stable side', () => {
    const plan = planQueries(config, { mode: 'label', metric: 'http_server_request_duration_seconds' }, NOW, 'stable-previous-window');
    expect(plan.queries.find((x) => x.key === 'requests/stable')?.query).toContain('[300s] offset 300s');
    expect(plan.queries.find((x) => x.key === 'requests/canary')?.query).not.toContain('offset');
  });
  it('detection picks the first mode with data', () => {
    expect(planDetection(config, NOW).map((q) => q.key)).toEqual(['detect/names', 'detect/label', 'detect/target_info', 'detect/utf8']);
    expect(pickSelection(config, { label: 0, target_info: 2 }, ['http_server_request_duration_count'])).toEqual({ mode: 'target_info', metric: 'http_server_request_duration' });
    expect(pickSelection(config, { label: 1 }, ['http_server_request_duration_count', 'http_server_request_duration_seconds_count'])?.metric).toBe('http_server_request_duration_seconds');
    expect(pickSelection(config, {}, [])).toBeUndefined();
  });
});

describe('verdicts', () => {
  const config = parseJudgeConfig(baseConfig, context);
  it('healthy canary → Successful with score 100 and evidence', () => {
    const v = run(config, healthy(1), healthy(99));
    expect(v.phase).toBe('Successful');
    expect(v.score).toBe(100);
    const m = renderMeasurement(v);
    expect(JSON.parse(m.value)).toMatchObject({ phase: 'Successful', checks: { 'error-rate': 'pass' } });
    expect(m.metadata['check.error-rate.n']).toBe('6000/6000');
    expect(m.metadata['check.latency-p99.bounds']).toMatch(/canary .*…/);
    expect(m.message).toMatch(/^Successful: score 100/);
  });
  it('error-rate regression → Failed (critical), message names the numbers', () => {
    const bad = healthy(1);
    (bad.routes['/predict'] as { errors: number }).errors = 400;
    const v = run(config, bad, healthy(99));
    expect(v.phase).toBe('Failed');
    expect(v.decidingCheck).toBe('error-rate');
    expect(v.message).toMatch(/error-rate \(critical\) route \/predict: canary 10\.00% vs stable 0\.50% \(\+9\.50 pp, p=.*Bonferroni over 2 routes/);
  });
  it('p99 regression on one route only → Failed naming that route', () => {
    const slow = healthy(1);
    slow.routes['/predict'] = { latencies: latencies(4000, 0.05, 1).map((x, i) => (i % 25 === 0 ? x + 0.8 : x)), errors: 20 };
    const v = run(config, slow, healthy(99));
    const p99 = v.checks.find((c) => c.name === 'latency-p99');
    expect(p99?.outcome).toBe('fail');
    expect(p99?.worstRoute).toBe('/predict');
    expect(v.phase).not.toBe('Successful');
    expect(v.message).toMatch(/route \/predict/);
  });
  it('quantiles and tolerances read as written in messages (0.29 → p29, 0.07 → 7%), not as float noise', () => {
    const odd = parseJudgeConfig(
      { ...baseConfig, checks: [{ type: 'latency', name: 'lat', quantile: 0.29, maxRatio: 1.2 }, { type: 'custom', name: 'cpu', query: 'cpu{$__selector}', tolerance: 0.07 }] },
      context,
    );
    const v = run(odd, healthy(1), healthy(99));
    const lat = v.checks.find((c) => c.name === 'lat');
    expect(lat?.threshold).toBe('canary p29 ≤ 1.2 × stable or not significant');
    expect(lat?.reason).toMatch(/^canary p29 /);
    expect(v.checks.find((c) => c.name === 'cpu')?.threshold).toBe('|shift| ≤ 7% of stable median or not significant');
  });
  it('too little traffic → Inconclusive with the reason', () => {
    const tiny: Side = { routes: { '/predict': { latencies: latencies(40, 0.05, 3), errors: 0 } } };
    const v = run(config, tiny, healthy(99));
    expect(v.phase).toBe('Inconclusive');
    expect(v.message).toMatch(/too little traffic: canary n=40/);
  });
  it('stable idle → asks for the previous-window baseline, never passes silently', () => {
    const idle: Side = { routes: {} };
    const v = run(config, healthy(1), idle);
    expect(v.needsFallback).toBe(true);
    expect(v.phase).toBe('Inconclusive');
  });
  it('a failed backend query → Error naming it', () => {
    const plan = planQueries(config, { mode: 'label', metric: 'http_server_request_duration_seconds' }, NOW);
    const results = answer(plan, { canary: healthy(1), stable: healthy(2) });
    results['error-rate/canary/errors'] = { ok: false, error: 'bad_data: parse error' };
    const v = judge(config, plan, results, { now: NOW });
    expect(v.phase).toBe('Error');
    expect(v.message).toMatch(/error-rate: query error-rate\/canary\/errors failed: bad_data/);
  });
  it('classic preset: threshold only, and Running until the minimum analysis time', () => {
    const classic = parseJudgeConfig({ ...baseConfig, preset: 'classic' }, context);
    const early = run(classic, healthy(1), healthy(2), { now: NOW, analysisStartedAt: new Date(NOW.getTime() - 120_000) } as never);
    expect(early.phase).toBe('Running');
    expect(early.resumeAfterSeconds).toBe(480);
    const late = run(classic, healthy(1), healthy(2), { now: NOW, analysisStartedAt: new Date(NOW.getTime() - 900_000) } as never);
    expect(late.phase).toBe('Successful');
  });
  it('conditions override the verdict with Argo semantics', () => {
    const v = run(config, healthy(1), healthy(99));
    expect(applyConditions(v, { successCondition: 'result.score >= 101' }).phase).toBe('Failed');
    expect(applyConditions(v, { successCondition: 'result.checks["error-rate"].outcome == "pass"' }).phase).toBe('Successful');
    expect(applyConditions(v, { failureCondition: 'result.bad.x > 1' }).phase).toBe('Error');
  });
  it('exemplars for failing checks: 5xx selector on the canary, trace ids attached', () => {
    const bad = healthy(1);
    (bad.routes['/predict'] as { errors: number }).errors = 400;
    const v = run(config, bad, healthy(99));
    const reqs = planExemplars(config, v);
    expect(reqs[0]?.query).toContain('http_response_status_code=~"5.."');
    expect(reqs[0]?.query).toContain('k8s_pod_label_rollouts_pod_template_hash="c4n4ry"');
    const ex = parseExemplarsResponse({
      status: 'success',
      data: [{ seriesLabels: {}, exemplars: [{ labels: { trace_id: 'a'.repeat(32) }, value: '0.2', timestamp: 1 }, { labels: { trace_id: 'nothex' }, value: '1', timestamp: 1 }] }],
    });
    expect(ex.ok).toBe(true);
    const withEx = attachExemplars(config, v, [{ request: reqs[0] as never, exemplars: ex.ok ? ex.exemplars : [] }]);
    expect(renderMeasurement(withEx).metadata['check.error-rate.exemplarTraceIds']).toBe('a'.repeat(32));
  });
});

describe('Prometheus responses', () => {
  it('parses vectors, matrices, special values and errors', () => {
    expect(parseQueryResponse({ status: 'success', data: { resultType: 'vector', result: [{ metric: { le: '+Inf' }, value: [1, '+Inf'] }] } })).toEqual({ ok: true, type: 'vector', samples: [{ labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY }] });
    const m = parseQueryResponse({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, 'NaN'], [2, '0.5']] }] } });
    expect(m.ok && m.type === 'matrix' && m.series[0]?.points[1]).toEqual([2, 0.5]);
    expect(parseQueryResponse({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' })).toEqual({ ok: false, error: 'bad_data: parse error at char 3' });
    expect(parseQueryResponse('<html>')).toEqual({ ok: false, error: 'response is not a JSON object' });
  });
});
