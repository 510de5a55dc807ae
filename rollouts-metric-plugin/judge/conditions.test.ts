import { describe, expect, it } from 'vitest';
import { compileCondition, ConditionError, evaluateConditions } from './conditions.js';

describe('condition subset', () => {
  it('errors name the position and the expression', () => {
    expect(() => compileCondition('result.score >> 3')).toThrow(/position 15 in "result.score >> 3"/);
    expect(() => compileCondition('"open')).toThrow(ConditionError);
    expect(() => compileCondition('')).toThrow(/empty expression/);
    expect(() => compileCondition('a matches "x"')).toThrow(/not supported/);
  });
  it('isNil and default take their argument (Argo v1.9.1 ignores it and looks at the whole result; documented)', () => {
    const env = { result: { checks: { a: null, b: 3 } } };
    expect(compileCondition('isNil(result.checks.a)').evaluate(env)).toBe(true);
    expect(compileCondition('isNil(result.checks.b)').evaluate(env)).toBe(false);
    expect(compileCondition('default(result.checks.a, 7)').evaluate(env)).toBe(7);
    expect(compileCondition('default(result.checks.b, 7)').evaluate(env)).toBe(3);
  });
  it('no conditions: the judge verdict stands; a non-bool condition is an Error', () => {
    expect(evaluateConditions({ score: 10 }, {}, 'Failed').phase).toBe('Failed');
    const r = evaluateConditions({ score: 10 }, { successCondition: 'result.score' }, 'Successful');
    expect(r.phase).toBe('Error');
    expect(r.error).toMatch(/expected bool/);
  });
});
