import { describe, expect, it } from 'vitest';
import { LineageError } from './errors.js';
import type { LineageField, LineageSource } from './record.js';
import { resolveLineage, type CarrierReading } from './resolve.js';

const TP1 = '00-11111111111111111111111111111111-1111111111111111-01';
const TP2 = '00-22222222222222222222222222222222-2222222222222222-01';

function carrier(source: LineageSource, values: Partial<Record<LineageField, string>>, problems: string[] = []): CarrierReading {
  return {
    source,
    values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, origin: `${source} ${k}` }])),
    problems,
    notices: [],
  };
}

describe('resolveLineage', () => {
  it('takes each field from the highest-precedence carrier that has it, whatever the input order', () => {
    const result = resolveLineage(
      [
        carrier('commit-trailers', { modelId: 'from-trailer', commit: 'abc1234', environment: 'staging' }),
        carrier('lineage-file', { modelId: 'from-file', datasetVersion: 'd1' }),
        carrier('plugin-env', { environment: 'production' }),
        carrier('parameters', { modelId: 'from-param' }),
      ],
      false,
    );
    expect(result.lineage).toEqual({ modelId: 'from-param', datasetVersion: 'd1', commit: 'abc1234', environment: 'production' });
    expect(result.sources).toEqual({
      modelId: 'parameters',
      datasetVersion: 'lineage-file',
      commit: 'commit-trailers',
      environment: 'plugin-env',
    });
    expect(result.warnings).toEqual([]);
  });

  it('skips an invalid value with a warning naming the carrier and falls back to the next', () => {
    const result = resolveLineage(
      [carrier('plugin-env', { pipelineRunUrl: 'nope' }), carrier('lineage-file', { pipelineRunUrl: 'https://ci/1' })],
      false,
    );
    expect(result.lineage).toEqual({ pipelineRunUrl: 'https://ci/1' });
    expect(result.sources).toEqual({ pipelineRunUrl: 'lineage-file' });
    expect(result.warnings).toEqual(['plugin-env pipelineRunUrl: "nope" is not an absolute URL']);
  });

  it('treats empty values as unset, not invalid', () => {
    const result = resolveLineage([carrier('plugin-env', { modelId: '' }), carrier('parameters', { modelId: 'm' })], false);
    expect(result).toEqual({ lineage: { modelId: 'm' }, sources: { modelId: 'parameters' }, warnings: [] });
  });

  it('takes tracestate only from the carrier whose traceparent won', () => {
    const result = resolveLineage(
      [
        carrier('plugin-env', { traceparent: TP1 }),
        carrier('lineage-file', { traceparent: TP2, tracestate: 'file=1' }),
      ],
      false,
    );
    expect(result.lineage).toEqual({ traceparent: TP1 });
    expect(result.sources).toEqual({ traceparent: 'plugin-env' });
  });

  it('drops the tracestate beside an invalid traceparent and uses the next carrier pair', () => {
    const result = resolveLineage(
      [
        carrier('plugin-env', { traceparent: 'bad', tracestate: 'env=1' }),
        carrier('parameters', { tracestate: 'lonely=1' }),
        carrier('commit-trailers', { traceparent: TP2, tracestate: 'git=1' }),
      ],
      false,
    );
    expect(result.lineage).toEqual({ traceparent: TP2, tracestate: 'git=1' });
    expect(result.sources).toEqual({ traceparent: 'commit-trailers', tracestate: 'commit-trailers' });
    expect(result.warnings).toEqual([
      'plugin-env traceparent: invalid traceparent "bad": expected version-traceid-parentid-flags, got 1 field',
      'plugin-env tracestate: ignored because the traceparent beside it is invalid',
      'parameters tracestate: ignored because it has no traceparent beside it',
    ]);
  });

  it('keeps a valid traceparent when its tracestate is invalid', () => {
    const result = resolveLineage([carrier('lineage-file', { traceparent: TP1, tracestate: 'UPPER=1' })], false);
    expect(result.lineage).toEqual({ traceparent: TP1 });
    expect(result.warnings[0]).toContain('lineage-file tracestate: invalid tracestate');
  });

  it('lists carrier-level problems as warnings', () => {
    const result = resolveLineage([carrier('parameters', {}, ['ARGOCD_APP_PARAMETERS is not valid JSON'])], false);
    expect(result.warnings).toEqual(['ARGOCD_APP_PARAMETERS is not valid JSON']);
  });

  it('throws LineageError with every invalid value in strict mode, but not for notices', () => {
    const bad = [
      carrier('plugin-env', { commit: 'main' }),
      carrier('lineage-file', { pipelineRunUrl: 'x' }, ['lineage file: key "modelId" must be a string, got number']),
    ];
    expect(() => resolveLineage(bad, true)).toThrow(LineageError);
    try {
      resolveLineage(bad, true);
    } catch (err) {
      expect((err as LineageError).problems).toEqual([
        'lineage file: key "modelId" must be a string, got number',
        'lineage-file pipelineRunUrl: "x" is not an absolute URL',
        'plugin-env commit: "main" is not a commit id (7 to 64 hex characters)',
      ]);
      expect((err as Error).message).toMatch(/^3 invalid lineage values: /);
    }
    const noticeOnly: CarrierReading = { ...carrier('commit-trailers', {}), notices: ['git is not installed'] };
    expect(resolveLineage([noticeOnly], true).warnings).toEqual(['git is not installed']);
    const single = [carrier('plugin-env', { traceparent: 'bad' })];
    expect(() => resolveLineage(single, true)).toThrow('plugin-env traceparent: invalid traceparent "bad"');
  });
});
