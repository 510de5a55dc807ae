import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone.js';

describe('cloneJson', () => {
  it('copies deeply: the copy shares nothing with the original', () => {
    const original = { a: [1, { b: 'c' }], d: { e: null, f: true }, g: 1.5 };
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    (copy.a[1] as { b: string }).b = 'changed';
    copy.d.f = false;
    expect(original).toEqual({ a: [1, { b: 'c' }], d: { e: null, f: true }, g: 1.5 });
  });

  it('keeps a __proto__ key as data', () => {
    const original = JSON.parse('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
    const copy = cloneJson(original);
    expect(Object.keys(copy)).toEqual(['__proto__', 'y']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"x":1},"y":2}');
  });
});
