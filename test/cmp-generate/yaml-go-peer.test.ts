// Our YAML reader and writer against real go-yaml v2 (sigs.k8s.io/yaml YAMLToJSON, as Argo CD and kubectl read).
import { describe, expect, it } from 'vitest';
import { readYamlStream, type JsonValue } from '../../cmp-plugin/render/yaml-reader.js';
import { toYamlStream } from '../../cmp-plugin/render/yaml-writer.js';
import { GenerateError } from '../../cmp-plugin/types.js';
import { goYamlStreamToJson, goYamlToJson } from './peers.js';

// Every YAML 1.1 rule we rely on, with what go-yaml v2 must say (checked against the peer, not assumed).
const AGREED: Array<[string, unknown]> = [
  ['a: 0644', { a: 420 }],
  ['a: 0x1F', { a: 31 }],
  ['a: -0x1F', { a: -31 }],
  ['a: 0b101', { a: 5 }],
  ['a: 0o17', { a: 15 }],
  ['a: 08', { a: 8 }],
  ['a: 1_000', { a: 1000 }],
  ['a: 1__0', { a: 10 }],
  ['a: _1', { a: '_1' }],
  ['a: +12', { a: 12 }],
  ['a: 1_0.5', { a: 10.5 }],
  ['a: 1.5e3', { a: 1500 }],
  ['a: 1.', { a: 1 }],
  ['a: .5', { a: 0.5 }],
  ['a: -.5', { a: -0.5 }],
  ['a: 1e400', { a: '1e400' }],
  ['a: 0xFFFFFFFFFFFFFFFFFF', { a: '0xFFFFFFFFFFFFFFFFFF' }],
  ['a: 9007199254740991', { a: 9007199254740991 }],
  [
    'a: [y, Y, yes, Yes, YES, true, True, TRUE, on, On, ON]',
    { a: [true, true, true, true, true, true, true, true, true, true, true] },
  ],
  [
    'a: [n, N, no, No, NO, false, False, FALSE, off, Off, OFF]',
    { a: [false, false, false, false, false, false, false, false, false, false, false] },
  ],
  ['a: [yEs, nO, oN, tRUE]', { a: ['yEs', 'nO', 'oN', 'tRUE'] }],
  ['a: [~, null, Null, NULL, "", nULL]', { a: [null, null, null, null, '', 'nULL'] }],
  ['a:', { a: null }],
  ["a: ['yes', \"0644\", '12:30']", { a: ['yes', '0644', '12:30'] }],
  ['a: 2001-12-14', { a: '2001-12-14' }],
  ['a: 2001-12-14t21:59:43.10-05:00', { a: '2001-12-14t21:59:43.10-05:00' }],
  ['a: 2001-12-14 21:59:43.10 -5', { a: '2001-12-14 21:59:43.10 -5' }],
  ['a: !!timestamp 2001-12-14', { a: '2001-12-14' }],
  ['a: 12:30', { a: '12:30' }],
  ['a: 190:20:30', { a: '190:20:30' }],
  ['a: 1:20.5', { a: '1:20.5' }],
  ['a: {b: 1, b: 2}', { a: { b: 2 } }],
  ['a: !foo x', { a: 'x' }],
  ['a: !bar {x: 1}', { a: { x: 1 } }],
  ['a: !!int "12"', { a: 12 }],
  ['a: !!str 0644', { a: '0644' }],
  ['a: !!float 1', { a: 1 }],
  ['a: !!null ""', { a: null }],
  ['a: ! 12', { a: '12' }],
  ['yes: 1', { true: 1 }],
  ['0644: a', { '420': 'a' }],
  ['__proto__: {polluted: true}', { ['__proto__']: { polluted: true } }],
  ['base: &b {a: 1, c: 3}\nm: {a: 2, <<: *b}', { base: { a: 1, c: 3 }, m: { a: 1, c: 3 } }],
  ['base: &b {a: 1}\nm: {<<: *b, a: 2}', { base: { a: 1 }, m: { a: 2 } }],
  ['m: {<<: [{a: 1}, {a: 2, b: 2}], c: 3}', { m: { a: 1, b: 2, c: 3 } }],
  ['"<<": {a: 1}', { '<<': { a: 1 } }],
  ['a: &x [1, 2]\nb: *x', { a: [1, 2], b: [1, 2] }],
  ['a: |\n  line 1\n  line 2\nb: >\n  folded\n  text\n', { a: 'line 1\nline 2\n', b: 'folded text\n' }],
];

// Both sides refuse these (the messages differ).
const BOTH_FAIL = [
  'a: .inf',
  'a: -.Inf',
  'a: .nan',
  'x: &a [*a]',
  '~: 1',
  '? [1]\n: x',
  'a: !!int abc',
  'a: [1, 2',
  'a: b: c',
];

// Where we deliberately fail with a clear error instead of reading what go-yaml reads (documented in the report).
const WE_REFUSE = [
  // go-yaml reads int64/uint64 exactly; a JS number cannot, so we refuse rather than silently change the value.
  'a: 9007199254740993',
  'a: 18446744073709551615',
  // Float keys become float32-formatted strings in sigs.k8s.io/yaml; no manifest needs them.
  '1.5: x',
  'a: !!binary aGk=',
  'a: !!set {x}',
];

function ours(doc: string): { value: unknown } | { error: string } {
  try {
    return { value: readYamlStream(doc, 'case.yaml').documents[0]?.value ?? null };
  } catch (err) {
    expect(err).toBeInstanceOf(GenerateError);
    return { error: (err as Error).message };
  }
}

describe('YAML reading matches go-yaml v2 (sigs.k8s.io/yaml YAMLToJSON)', () => {
  it('agrees on every YAML 1.1 rule we rely on', async () => {
    const peer = await goYamlToJson(AGREED.map(([doc]) => doc));
    AGREED.forEach(([doc, expected], i) => {
      const theirs = peer[i];
      expect(theirs?.error, `go-yaml failed on ${JSON.stringify(doc)}`).toBeUndefined();
      expect(JSON.parse(theirs?.json ?? 'null'), `go-yaml on ${JSON.stringify(doc)}`).toEqual(expected);
      expect(ours(doc), `ours on ${JSON.stringify(doc)}`).toEqual({ value: expected });
    });
  });

  it('fails where go-yaml fails', async () => {
    const peer = await goYamlToJson(BOTH_FAIL);
    BOTH_FAIL.forEach((doc, i) => {
      expect(peer[i]?.error, `go-yaml on ${JSON.stringify(doc)}`).toBeTypeOf('string');
      expect(ours(doc), `ours on ${JSON.stringify(doc)}`).toHaveProperty('error');
    });
  });

  it('refuses, with a reason, what go-yaml reads but we cannot carry faithfully', async () => {
    const peer = await goYamlToJson(WE_REFUSE);
    WE_REFUSE.forEach((doc, i) => {
      expect(peer[i]?.json, `go-yaml reads ${JSON.stringify(doc)}`).toBeTypeOf('string');
      expect(ours(doc), `ours on ${JSON.stringify(doc)}`).toHaveProperty('error');
    });
    // The big integer really is exact on the Go side, which is why rounding it would be wrong.
    expect(peer[0]?.json).toBe('{"a":9007199254740993}');
  });

  it('stops an alias expansion bomb like go-yaml does', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = levels.join('\n');
    const [peer] = await goYamlToJson([bomb]);
    expect(peer?.error).toMatch(/excessive aliasing/);
    expect(ours(bomb)).toEqual({ error: expect.stringMatching(/excessive aliasing/) });
  });
});

// Strings a careless writer would leave plain and go-yaml would read as something else.
const TRICKY_STRINGS = [
  'yes', 'no', 'y', 'n', 'on', 'off', 'true', 'False', 'null', '~', '', '0644', '0o17', '08', '1_000', '0x1F',
  '0b101', '12:30', '1e3', '.5', '.inf', '-.inf', '+1', '-', '- x', '---', '...', 'a: b', 'a #b', '#x', 'key:', '@x',
  '`x', '!x', '&x', '*x', '|', '>', '%x', '"q"', "'q'", '[a]', '{a}', 'a,b', 'multi\nline\n', 'tab\there',
  'trailing ', '  leading', 'ünïcode', 'emoji 🎉', '\u0001ctl', 'back\\slash', '<<', '=', '2001-12-14', 'a:b',
  'http://x.y/z?q=1#f', '0', '-0', '+.5', '1.', '_1', 'a b c', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  'ml.model.id=m%201,k8s.pod.label.rollouts-pod-template-hash=$(ARGO_OTEL_POD_TEMPLATE_HASH)',
  "metadata.annotations['argo-otel.io/traceparent']", 'x'.repeat(300),
];

describe('YAML writing: go-yaml v2 reads back exactly the values we wrote', () => {
  it('round-trips tricky strings as values and as keys, numbers, booleans, nulls and nesting', async () => {
    const values: JsonValue[] = [
      { strings: TRICKY_STRINGS },
      Object.fromEntries(TRICKY_STRINGS.filter((s) => s !== '').map((s, i) => [s, i])),
      { numbers: [0, 1, -1, 420, 1.5, -0.25, 1e21, 1e-7, 9007199254740991], bools: [true, false], nothing: null },
      { nested: [[1, [2, []]], [{ a: {} }, { b: [{ c: 'd' }] }], {}], empty: { list: [], map: {} } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { script: '#!/bin/sh\necho "hi"\n' } },
    ];
    const stream = toYamlStream(values);
    const peer = await goYamlStreamToJson(stream);
    expect(peer).toHaveLength(values.length);
    values.forEach((value, i) => {
      expect(peer[i]?.error).toBeUndefined();
      expect(JSON.parse(peer[i]?.json ?? 'null')).toEqual(value);
    });
    // And our own reader agrees with go-yaml on our output.
    expect(readYamlStream(stream, 'out.yaml').documents.map((d) => d.value)).toEqual(values);
  });
});
