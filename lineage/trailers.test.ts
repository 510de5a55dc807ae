import { describe, expect, it } from 'vitest';
import { formatTrailers, parseTrailers } from './trailers.js';

describe('commit trailers', () => {
  it('formats set fields in a fixed order with the documented keys', () => {
    expect(
      formatTrailers({ environment: 'prod', traceparent: 'tp', modelId: 'm', pipelineRunUrl: 'https://ci/1', commit: 'abc1234' }),
    ).toEqual(['Traceparent: tp', 'Model-Id: m', 'Pipeline-Run-Url: https://ci/1', 'Commit: abc1234', 'Environment: prod']);
  });

  it('parses keys case-insensitively, trims values and ignores other trailers', () => {
    const text = 'Signed-off-by: Dev <d@example.com>\ntraceparent: tp\nMODEL-ID:  m \nDataset-Version: s3://x:1\nnot a trailer\n';
    const parsed = parseTrailers(text, 'commit abc1234');
    expect(parsed.values).toEqual({
      traceparent: { value: 'tp', origin: 'commit abc1234 trailer Traceparent' },
      modelId: { value: 'm', origin: 'commit abc1234 trailer Model-Id' },
      datasetVersion: { value: 's3://x:1', origin: 'commit abc1234 trailer Dataset-Version' },
    });
    expect(parsed.notices).toEqual([]);
  });

  it('uses the last of repeated trailers and says so', () => {
    const parsed = parseTrailers('Model-Id: a\nModel-Id: b\n', 'commit abc1234');
    expect(parsed.values.modelId?.value).toBe('b');
    expect(parsed.notices).toEqual(['commit abc1234: trailer Model-Id appears more than once; using the last']);
  });

  it('round-trips through its own format', () => {
    const lineage = { traceparent: 'tp', tracestate: 'a=1,b=2', pipelineName: 'train: nightly', commit: 'abc1234' };
    const parsed = parseTrailers(formatTrailers(lineage).join('\n'), 'c');
    expect(Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [k, v.value]))).toEqual(lineage);
  });
});
