import { describe, expect, it } from 'vitest';
import { GenerateError } from '../types.js';
import { parseManifests } from './documents.js';
import { readJson } from './json-reader.js';

describe('parseManifests', () => {
  it('flattens kind: List (and *List kinds), nested too, keeping the origin', () => {
    const text = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - apiVersion: v1
    kind: ConfigMapList
    items:
      - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
---
apiVersion: v1
kind: Secret
metadata: {name: c}
`;
    const { objects, warnings } = parseManifests(text, 'l.yaml');
    expect(objects.map((o) => [o.object.metadata?.name, o.origin])).toEqual([
      ['a', { file: 'l.yaml', document: 0 }],
      ['b', { file: 'l.yaml', document: 0 }],
      ['c', { file: 'l.yaml', document: 1 }],
    ]);
    expect(warnings).toEqual([]);
  });

  it('skips non-Kubernetes documents with a warning naming file, line and document', () => {
    const { objects, warnings } = parseManifests('owner: ml\n---\n- 1\n---\nkind: Foo\n', 'n.yaml');
    expect(objects).toEqual([]);
    expect(warnings).toEqual([
      'n.yaml:1 (document 0): skipped: not a Kubernetes object (no apiVersion/kind)',
      'n.yaml:3 (document 1): skipped: not a Kubernetes object (a sequence)',
      'n.yaml:5 (document 2): skipped: not a Kubernetes object (no apiVersion/kind)',
    ]);
  });

  it('a List item that is not an object is an error', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: List\nitems: [1]\n', 'l.yaml')).toThrow(/List item is not an object/);
  });

  it('reads .json files with JSON.parse', () => {
    const { objects } = parseManifests('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"},"data":{"mode":"0644"}}', 'x.JSON');
    expect(objects[0]?.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { mode: '0644' } });
  });
});

describe('readJson', () => {
  it('malformed JSON names file and line', () => {
    try {
      readJson('{\n  "a": 1,\n  "b": ]\n}', 'bad.json');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(GenerateError);
      expect((err as GenerateError).details).toMatchObject({ file: 'bad.json', line: 3 });
      expect((err as Error).message).toMatch(/^bad\.json:3: malformed JSON/);
    }
  });

  it('refuses integers beyond 2^53 but not long digit strings or floats', () => {
    expect(() => readJson('{"a":\n9007199254740993}', 'big.json')).toThrow(/big\.json:2: integer 9007199254740993 is beyond/);
    expect(() => readJson('{"a":-9007199254740993}', 'big.json')).toThrow(/integer -9007199254740993/);
    expect(readJson('{"id":"12345678901234567890","f":1.2345678901234567,"e":1e300,"ok":9007199254740991}', 'ok.json')).toEqual({
      id: '12345678901234567890',
      f: 1.2345678901234567,
      e: 1e300,
      ok: 9007199254740991,
    });
  });
});
