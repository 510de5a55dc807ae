// Our successCondition/failureCondition subset against the real peer: github.com/antonmedv/expr v1.15.5 and Argo
// Rollouts v1.9.1's own utils/evaluate.EvaluateResult, run by .cache/bin/expr-peer (built by test/setup.d).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateConditions, type ConditionValue } from '../../rollouts-metric-plugin/judge/conditions.js';

const peer = fileURLToPath(new URL('../../.cache/bin/expr-peer', import.meta.url));

interface PeerAnswer {
  kind: 'bool' | 'number' | 'string' | 'nil' | 'other' | 'error' | 'phase';
  value?: unknown;
  error?: string;
}

function runPeer(cases: unknown[]): PeerAnswer[] {
  if (!existsSync(peer)) throw new Error(`${peer} is missing: run test/setup.sh (it builds the expr peer)`);
  return JSON.parse(execFileSync(peer, { input: JSON.stringify(cases), encoding: 'utf8' })) as PeerAnswer[];
}

const result: ConditionValue = {
  score: 87.5,
  phase: 'Successful',
  checks: {
    'error-rate': { canary: 0.012, stable: 0.01, pValue: 0.31, verdict: 'pass', n: 1200 },
    'latency-p99': { canary: 0.42, stable: 0.4, pValue: 0.04, verdict: 'fail', n: 1200 },
  },
  routes: ['/predict', '/health'],
  values: [0.1, 0.2, 0.3],
  empty: [],
  name: 'checkout',
};

const expressions = [
  'result.score >= 80',
  'result.score > 90 || result.phase == "Successful"',
  'result.score > 90 or result.phase == "Failed"',
  'not (result.score < 50)',
  '!(result.score < 50) && true',
  'result.checks["error-rate"].canary - result.checks["error-rate"].stable <= 0.01',
  'result.checks["latency-p99"].pValue < 0.05 and result.checks["latency-p99"].verdict == "fail"',
  'result.values[0] + result.values[1] * 2',
  'result.values[-1]',
  'len(result.routes) == 2',
  'len(result.name)',
  'len(result.checks)',
  '"/predict" in result.routes',
  '"/nope" not in result.routes',
  '"error-rate" in result.checks',
  'result.name startsWith "check"',
  'result.name endsWith "out"',
  'result.name contains "ecko"',
  '2 ** 3 ** 2',
  '2 ^ 3',
  '-result.score + 100',
  '10 / 4',
  '7 % 3',
  '1 + 2 * 3 - 4 / 2',
  '(1 + 2) * 3',
  'result.score > 80 ? "high" : "low"',
  'result.missing ?? 42',
  'result.missing == nil',
  'result?.score',
  'isNaN(result.score)',
  'isInf(result.score)',
  'asInt("42") + 1',
  'asFloat("0.5") * 2',
  'asInt(3.9)',
  '1_000 + 0.5',
  '"a" + "b"',
  '"abc" < "abd"',
  'result.score == 87.5 and result.score != 87',
  'true == true and false != true',
  '[1, 2] == [1, 2]',
  // errors: both sides must refuse
  'result.score > "x"',
  'result.values[10]',
  'unknownName > 1',
  'result.score +',
  'len(result.score)',
  'result.name > 3',
  'not result.score',
];

describe('conditions agree with real expr v1.15.5', () => {
  it('every expression: same kind of result and same value, or both an error', () => {
    const answers = runPeer(expressions.map((expr) => ({ expr, result })));
    expressions.forEach((expr, i) => {
      const theirs = answers[i] as PeerAnswer;
      let ours: { kind: string; value?: unknown };
      try {
        const v = compileCondition(expr).evaluate({ result });
        ours = { kind: v === null ? 'nil' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'other', value: v };
      } catch (err) {
        ours = { kind: 'error', value: (err as Error).message };
      }
      expect({ expr, kind: ours.kind }).toEqual({ expr, kind: theirs.kind });
      if (ours.kind === 'number') expect(ours.value as number).toBeCloseTo(theirs.value as number, 12);
      else if (ours.kind !== 'error' && ours.kind !== 'nil') expect({ expr, value: ours.value }).toEqual({ expr, value: theirs.value });
    });
  });

  it('EvaluateResult phases match Argo Rollouts for success/failure condition combinations', () => {
    const combos: Array<{ successCondition?: string; failureCondition?: string }> = [
      { successCondition: 'result.score >= 80' },
      { successCondition: 'result.score >= 90' },
      { failureCondition: 'result.score < 50' },
      { failureCondition: 'result.score > 50' },
      { successCondition: 'result.score >= 90', failureCondition: 'result.score < 50' },
      { successCondition: 'result.score >= 80', failureCondition: 'result.score < 50' },
      { successCondition: 'result.score >= 80', failureCondition: 'result.score > 50' },
      { successCondition: 'result.score' },
      { failureCondition: 'result.nope.deeper > 1' },
    ];
    const answers = runPeer(combos.map((c) => ({ expr: '', result, successCondition: c.successCondition ?? '', failureCondition: c.failureCondition ?? '' })));
    combos.forEach((c, i) => {
      const ours = evaluateConditions(result, c, 'Inconclusive');
      const theirs = answers[i] as PeerAnswer;
      expect({ c, phase: ours.phase }).toEqual({ c, phase: theirs.value });
      expect({ c, errored: ours.error !== undefined }).toEqual({ c, errored: theirs.error !== undefined });
    });
  });
});
