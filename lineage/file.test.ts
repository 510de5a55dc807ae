import { describe, expect, it } from 'vitest';
import { formatLineageFile, parseLineageFile } from './file.js';

describe('lineage file format', () => {
  it('writes sorted keys, the schema, two-space indent and a trailing newline', () => {
    const text = formatLineageFile({ traceparent: 'tp', modelId: 'm', commit: 'abc1234' });
    expect(text).toBe(
      '{\n  "commit": "abc1234",\n  "modelId": "m",\n  "schema": "argo-otel.io/lineage/v1",\n  "traceparent": "tp"\n}\n',
    );
  });

  it('keeps unknown keys (sorted deeply) but never lets them override fields or the schema', () => {
    const text = formatLineageFile({ modelId: 'm' }, { zeta: { b: 1, a: [{ d: 1, c: 2 }] }, modelId: 'x', schema: 'other' });
    expect(JSON.parse(text)).toEqual({ modelId: 'm', schema: 'argo-otel.io/lineage/v1', zeta: { a: [{ c: 2, d: 1 }], b: 1 } });
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'));
    expect(text.indexOf('"c"')).toBeLessThan(text.indexOf('"d"'));
  });

  it('round-trips', () => {
    const text = formatLineageFile({ datasetVersion: 'd1', environment: 'prod' }, { note: 'kept' });
    expect(parseLineageFile(text)).toEqual({
      ok: true,
      value: { values: { datasetVersion: 'd1', environment: 'prod' }, extra: { note: 'kept' }, problems: [] },
    });
  });

  it.each([
    ['malformed JSON', '{"schema": ', 'not valid JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['no schema', '{"modelId":"m"}', 'has no "schema"'],
    ['another schema', '{"schema":"argo-otel.io/lineage/v9"}', 'has schema "argo-otel.io/lineage/v9"'],
  ])('rejects %s', (_name, text, why) => {
    const result = parseLineageFile(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(why);
  });

  it('reports fields of the wrong type and keeps the rest', () => {
    const result = parseLineageFile('{"schema":"argo-otel.io/lineage/v1","modelId":7,"commit":null,"environment":"e"}');
    expect(result).toEqual({
      ok: true,
      value: {
        values: { environment: 'e' },
        extra: {},
        problems: ['key "modelId" must be a string, got number', 'key "commit" must be a string, got null'],
      },
    });
  });
});
