import { describe, expect, it } from 'vitest';
import { readYamlStream } from './yaml-reader.js';
import { toYamlDocument, toYamlStream } from './yaml-writer.js';

describe('YAML writer', () => {
  it('writes block YAML, quoting exactly the strings go-yaml v2 would read as something else', () => {
    expect(
      toYamlDocument({
        plain: 'model-server',
        path: "metadata.annotations['argo-otel.io/traceparent']",
        bool: 'yes',
        octal: '0644',
        go: '0o17',
        time: '12:30',
        dash: '- x',
        key: 'x',
        n: 1.5,
        t: true,
        z: null,
        empty: {},
        list: [],
        nested: [{ a: 1, b: [2, [3]] }],
      }),
    ).toBe(`plain: model-server
path: "metadata.annotations['argo-otel.io/traceparent']"
bool: "yes"
octal: "0644"
go: "0o17"
time: "12:30"
dash: "- x"
key: x
"n": 1.5
t: true
z: null
empty: {}
list: []
nested:
- a: 1
  b:
  - 2
  - - 3
`);
  });

  it('separates documents with --- and reads back to the same values', () => {
    const values = [{ a: 'multi\nline', b: '#c', 'k: v': 'x' }, [1, 'on', { '': 'empty key' }]];
    const stream = toYamlStream(values);
    expect(stream.split('\n---\n')).toHaveLength(2);
    expect(readYamlStream(stream, 'out.yaml').documents.map((d) => d.value)).toEqual(values);
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => toYamlDocument({ a: Number.NaN })).toThrow(/cannot write NaN/);
  });
});
