import { describe, expect, it } from 'vitest';
import { LINEAGE_FIELDS, MAX_TEXT_LENGTH, validateLineageValue } from './fields.js';
import type { LineageField } from './record.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('validateLineageValue', () => {
  it('treats empty and blank values as unset for every field', () => {
    for (const field of LINEAGE_FIELDS) {
      expect(validateLineageValue(field, '')).toEqual({ ok: true, value: undefined });
      expect(validateLineageValue(field, '  ')).toEqual({ ok: true, value: undefined });
    }
  });

  it.each<[LineageField, string, string]>([
    ['traceparent', ` ${TP}\t`, TP],
    ['traceparent', TP.replace(/^00/, 'cc') + '-future', TP],
    ['tracestate', ' congo=t61rcWkgMzE , rojo=00f067aa0ba902b7 ', 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'],
    ['modelId', '  fraud-detector:v7 ', 'fraud-detector:v7'],
    ['datasetVersion', 's3://bucket/ds@2026-11-30', 's3://bucket/ds@2026-11-30'],
    ['pipelineRunUrl', 'https://ci.example.com/runs/42?attempt=1', 'https://ci.example.com/runs/42?attempt=1'],
    ['commit', 'ABCDEF0123456789ABCDEF0123456789ABCDEF01', 'abcdef0123456789abcdef0123456789abcdef01'],
    ['commit', 'abc1234', 'abc1234'],
    ['environment', 'production', 'production'],
  ])('accepts and normalises %s %j', (field, raw, normalised) => {
    expect(validateLineageValue(field, raw)).toEqual({ ok: true, value: normalised });
  });

  it.each<[LineageField, string, string]>([
    ['traceparent', '00-xyz', 'invalid traceparent'],
    ['tracestate', 'Bad=1', 'invalid tracestate'],
    ['tracestate', 'a=1,a=2', 'duplicate key "a"'],
    ['tracestate', Array.from({ length: 5 }, (_, i) => `k${i}=${'v'.repeat(120)}`).join(','), 'longer than 512'],
    ['modelId', 'line\nbreak', 'control character'],
    ['pipelineName', 'x'.repeat(MAX_TEXT_LENGTH + 1), 'the limit is 1024'],
    ['pipelineRunUrl', 'not a url', 'is not an absolute URL'],
    ['pipelineRunUrl', '/runs/42', 'is not an absolute URL'],
    ['pipelineRunUrl', 'ftp://ci.example.com/runs/42', 'is not an http(s) URL'],
    ['commit', 'main', 'is not a commit id'],
    ['commit', 'abc123', 'is not a commit id'],
  ])('rejects %s %j', (field, raw, why) => {
    const result = validateLineageValue(field, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(why);
  });
});
