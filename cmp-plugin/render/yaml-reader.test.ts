import { describe, expect, it } from 'vitest';
import { GenerateError } from '../types.js';
import { readYamlStream } from './yaml-reader.js';
import { isPlainSafeString, resolvePlain } from './yaml-scalars.js';

function errorOf(fn: () => unknown): GenerateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GenerateError);
    return err as GenerateError;
  }
  throw new Error('expected a GenerateError');
}

describe('go-yaml v2 plain scalars', () => {
  it.each([
    ['0644', { kind: 'int', value: 420 }],
    ['0x1F', { kind: 'int', value: 31 }],
    ['0b101', { kind: 'int', value: 5 }],
    ['1_000', { kind: 'int', value: 1000 }],
    ['08', { kind: 'float', value: 8 }],
    ['-.inf', { kind: 'float', value: Number.NEGATIVE_INFINITY }],
    ['12:30', { kind: 'string', value: '12:30' }],
    ['2001-12-14', { kind: 'string', value: '2001-12-14' }],
    ['Yes', { kind: 'bool', value: true }],
    ['OFF', { kind: 'bool', value: false }],
    ['~', { kind: 'null' }],
    ['9007199254740993', { kind: 'big-int', value: 9007199254740993n }],
    ['-9223372036854775808', { kind: 'big-int', value: -9223372036854775808n }],
    ['-9223372036854775809', { kind: 'float', value: -9223372036854775809 }],
  ])('%s', (text, expected) => {
    expect(resolvePlain(text)).toEqual(expected);
  });

  it('knows which strings can be written plain', () => {
    expect(isPlainSafeString('model-server')).toBe(true);
    expect(isPlainSafeString('yes')).toBe(false);
    expect(isPlainSafeString('0o17')).toBe(false);
  });
});

describe('readYamlStream', () => {
  it('reads multi-document streams, keeping document indexes and lines; empty and null documents are null', () => {
    const { documents } = readYamlStream('a: 1\n---\n---\nnull\n---\n# c\nb: 2\n', 'm.yaml');
    expect(documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [1, null],
      [2, null],
      [3, { b: 2 }],
    ]);
    expect(documents[3]?.line).toBe(7);
  });

  it('malformed YAML names the file and the line', () => {
    const err = errorOf(() => readYamlStream('a: 1\nb:\n  c: [1, 2\n', 'apps/web.yaml'));
    expect(err.details.file).toBe('apps/web.yaml');
    expect(err.details.line).toBeGreaterThanOrEqual(3);
    expect(err.message).toMatch(/^apps\/web\.yaml:\d+: malformed YAML/);
  });

  it('an integer beyond 2^53 is an error naming file and line, not a silently rounded number', () => {
    const err = errorOf(() => readYamlStream('a: 1\nb: 9007199254740993\n', 'big.yaml'));
    expect(err.message).toBe(
      'big.yaml:2: integer 9007199254740993 is beyond ±2^53 and cannot be carried without losing precision; quote it if it is meant as a string',
    );
  });

  it('duplicate keys: last wins, as in sigs.k8s.io/yaml, with a warning', () => {
    const { documents, warnings } = readYamlStream('a: 1\nb: 2\na: 3\n', 'd.yaml');
    expect(documents[0]?.value).toEqual({ a: 3, b: 2 });
    expect(warnings).toEqual(['d.yaml:3: duplicate key "a"; the last value wins (as in sigs.k8s.io/yaml)']);
  });

  it('aliases give independent copies', () => {
    const { documents } = readYamlStream('a: &x {k: [1]}\nb: *x\n', 'a.yaml');
    const v = documents[0]?.value as { a: { k: number[] }; b: { k: number[] } };
    v.a.k.push(2);
    expect(v.b.k).toEqual([1]);
  });

  it('unknown anchors, self-containing anchors, NaN/Inf and !!binary are clear errors', () => {
    expect(errorOf(() => readYamlStream('a: *nope\n', 'x.yaml')).message).toMatch(/x\.yaml:1:/);
    expect(errorOf(() => readYamlStream('a: &s [*s]\n', 'x.yaml')).message).toMatch(/contains itself/);
    expect(errorOf(() => readYamlStream('a: 1\nb: .nan\n', 'x.yaml')).message).toMatch(/^x\.yaml:2: .*cannot be represented in JSON/);
    expect(errorOf(() => readYamlStream('a: !!binary aGk=\n', 'x.yaml')).message).toMatch(/unsupported tag !!binary/);
  });

  it('a __proto__ key is data, not a prototype', () => {
    const v = readYamlStream('__proto__: {polluted: true}\n', 'p.yaml').documents[0]?.value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('refuses absurd nesting with an error instead of crashing', () => {
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`;
    expect(() => readYamlStream(deep, 'deep.yaml')).toThrow(GenerateError);
  });
});
