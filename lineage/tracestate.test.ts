import { describe, expect, it } from 'vitest';
import {
  checkTracestateKey,
  checkTracestateValue,
  formatTracestate,
  normalizeTracestate,
  parseTracestate,
  setTracestateEntry,
  truncateTracestate,
  validateTracestate,
  type TraceStateEntry,
} from './tracestate.js';

const e = (key: string, value: string): TraceStateEntry => ({ key, value });

describe('tracestate keys', () => {
  it.each([
    ['a', true],
    ['0vendor', true],
    ['z'.repeat(256), true],
    ['z'.repeat(257), false],
    ['tenant@system', true],
    ['t@' + 'v'.repeat(15), true], // Level 1 capped the system part at 14; Level 2 does not.
    ['foo@', true],
    ['@foo', false],
    ['_foo', false],
    ['Foo', false],
    ['foo.bar', false],
    ['foo bar', false],
    ['a_-*/@9', true],
    ['', false],
  ])('%j valid=%s', (key, valid) => {
    expect(checkTracestateKey(key) === undefined).toBe(valid);
  });
});

describe('tracestate values', () => {
  it.each([
    ['1', true],
    [' leading spaces are kept', true],
    ['trailing space ', false],
    ['a,b', false],
    ['a=b', false],
    ['tab\there', false],
    ['x'.repeat(256), true],
    ['x'.repeat(257), false],
    ['', false],
    ['~!"#$%&\'()*+-./:;<>?@[\\]^_`{|}', true],
    ['é', false],
  ])('%j valid=%s', (value, valid) => {
    expect(checkTracestateValue(value) === undefined).toBe(valid);
  });
});

describe('parseTracestate', () => {
  it('combines fields, skips empty members and strips OWS around members only', () => {
    expect(parseTracestate(['a=1, ,b= 2 \t', '', ' \t', 'c=3'])).toEqual({
      ok: true,
      value: { entries: [e('a', '1'), e('b', ' 2'), e('c', '3')], duplicateKeys: [] },
    });
    expect(parseTracestate('')).toEqual({ ok: true, value: { entries: [], duplicateKeys: [] } });
  });

  it('accepts 32 members and rejects 33 (empty members do not count)', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',,');
    expect(parseTracestate(members(32)).ok).toBe(true);
    expect(parseTracestate(members(33))).toEqual({ ok: false, problem: 'invalid tracestate: more than 32 list members' });
  });

  it.each([
    ['no equals sign', 'foo', 'has no "="'],
    ['empty value', 'foo=', 'value is empty'],
    ['value only spaces', 'foo=   ', 'value is empty'],
    ['space before =', 'foo =1', 'key must start with'],
    ['equals in value', 'foo=bar=baz', 'value may contain only'],
  ])('rejects %s with a reason', (_name, value, why) => {
    const result = parseTracestate(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(why);
  });

  it('keeps the left-most entry of a repeated key and reports it; validateTracestate rejects it', () => {
    expect(parseTracestate('a=1,b=2,a=3')).toEqual({
      ok: true,
      value: { entries: [e('a', '1'), e('b', '2')], duplicateKeys: ['a'] },
    });
    expect(validateTracestate('a=1,b=2,a=3')).toEqual({ ok: false, problem: 'invalid tracestate: duplicate key "a"' });
    expect(validateTracestate('a=1,b=2')).toEqual({ ok: true, value: [e('a', '1'), e('b', '2')] });
  });
});

describe('truncation to 512 characters', () => {
  const sized = (key: string, length: number) => e(key, 'v'.repeat(length - key.length - 1));

  it('leaves a header that fits alone', () => {
    const entries = [sized('a', 200), sized('b', 200), sized('c', 110)];
    expect(formatTracestate(entries).length).toBe(512);
    expect(truncateTracestate(entries)).toEqual(entries);
  });

  it('drops entries longer than 128 characters first, right-most first', () => {
    const entries = [sized('a', 200), sized('b', 100), sized('c', 200), sized('d', 100)];
    // 603 characters: removing c (the right-most long one) is enough.
    expect(truncateTracestate(entries).map((x) => x.key)).toEqual(['a', 'b', 'd']);
  });

  it('then drops from the right', () => {
    const entries = Array.from({ length: 10 }, (_, i) => sized(`k${i}`, 100));
    const kept = truncateTracestate(entries);
    expect(kept.map((x) => x.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(formatTracestate(entries).length).toBe(504);
  });

  it('removes every long entry before touching short ones', () => {
    const entries = [sized('a', 129), sized('b', 129), sized('c', 129), sized('d', 129), sized('s', 50)];
    expect(truncateTracestate(entries).map((x) => x.key)).toEqual(['a', 'b', 'c', 's']);
    expect(truncateTracestate(entries, 100).map((x) => x.key)).toEqual(['s']);
  });
});

describe('mutation and normalisation', () => {
  it('puts a new or updated key on the left and keeps at most 32 members', () => {
    const entries = [e('a', '1'), e('b', '2')];
    expect(setTracestateEntry(entries, 'b', '3')).toEqual({ ok: true, value: [e('b', '3'), e('a', '1')] });
    const full = Array.from({ length: 32 }, (_, i) => e(`k${i}`, 'v'));
    const added = setTracestateEntry(full, 'new', 'v');
    expect(added.ok && added.value.length).toBe(32);
    expect(added.ok && added.value[0]).toEqual(e('new', 'v'));
    expect(added.ok && added.value.at(-1)).toEqual(e('k30', 'v'));
    expect(setTracestateEntry(entries, 'Bad', '1').ok).toBe(false);
  });

  it('normalises OWS and empty members away', () => {
    expect(normalizeTracestate(' rojo=00f067aa0ba902b7 , ,congo=t61rcWkgMzE ')).toEqual({
      ok: true,
      value: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    });
  });
});
