import { describe, expect, it } from 'vitest';
import { parseLineageFile, type LineageFileContent } from '../lineage/file.js';
import { planStamp, StampError, type StampRequest } from './stamp.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TP_ENV = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const fixedRandom = (size: number) => new Uint8Array(size).fill(0xab);
const NEW_TP = `00-${'ab'.repeat(16)}-${'ab'.repeat(8)}-03`;

const plan = (request: StampRequest, env: Record<string, string> = {}, current?: LineageFileContent) =>
  planStamp({ request, env, random: fixedRandom, ...(current ? { current } : {}) });

function fileOf(json: Record<string, unknown>): LineageFileContent {
  const parsed = parseLineageFile(JSON.stringify({ schema: 'argo-otel.io/lineage/v1', ...json }));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

describe('planStamp: traceparent', () => {
  it('prefers --traceparent, then --trace-id-from, then env TRACEPARENT, then a new random one', () => {
    const env = { TRACEPARENT: TP_ENV, TRACESTATE: 'ci=1' };
    expect(plan({ traceparent: TP }, env)).toMatchObject({ traceparent: TP, traceparentOrigin: 'flag', lineage: { traceparent: TP } });
    expect(plan({ traceIdFrom: 'spinnaker-execution-01J' }, env)).toMatchObject({
      traceparent: '00-3cf398a4ddd9f3ad0924e6e3d44cbac0-573b661481b182a7-01',
      traceparentOrigin: 'derived',
    });
    expect(plan({}, env)).toMatchObject({ traceparent: TP_ENV, traceparentOrigin: 'env', lineage: { tracestate: 'ci=1' } });
    expect(plan({}, {})).toMatchObject({ traceparent: NEW_TP, traceparentOrigin: 'new' });
    expect(plan({}, { TRACEPARENT: '  ' })).toMatchObject({ traceparentOrigin: 'new' });
  });

  it('pairs env TRACESTATE only with env TRACEPARENT, and --tracestate with any traceparent', () => {
    expect(plan({ traceparent: TP }, { TRACESTATE: 'ci=1' }).lineage).toEqual({ traceparent: TP });
    expect(plan({ traceparent: TP, tracestate: 'mine=2' }).lineage).toEqual({ traceparent: TP, tracestate: 'mine=2' });
    expect(plan({ tracestate: 'mine=2' }, { TRACEPARENT: TP_ENV, TRACESTATE: 'ci=1' }).lineage.tracestate).toBe('mine=2');
  });

  it('says when env TRACESTATE is not used', () => {
    expect(plan({ traceparent: TP }, { TRACESTATE: 'ci=1' }).notices).toEqual([
      'env TRACESTATE not used: it goes only with env TRACEPARENT, and the traceparent came from --traceparent',
    ]);
    expect(plan({}, { TRACESTATE: 'ci=1' }).notices).toEqual([
      'env TRACESTATE not used: it goes only with env TRACEPARENT, and the traceparent came from a new trace (no env TRACEPARENT)',
    ]);
    expect(plan({ tracestate: 'mine=1' }, { TRACEPARENT: TP_ENV, TRACESTATE: 'ci=1' }).notices).toEqual([
      'env TRACESTATE not used: --tracestate was given',
    ]);
    expect(plan({}, { TRACEPARENT: TP_ENV, TRACESTATE: 'ci=1' }).notices).toEqual([]);
  });

  it('normalises a future-version traceparent to version 00', () => {
    expect(plan({ traceparent: `cc-${TP.slice(3)}-extra` }).traceparent).toBe(TP);
  });

  it.each<[string, StampRequest, Record<string, string>, string]>([
    ['bad --traceparent', { traceparent: 'nope' }, {}, '--traceparent: invalid traceparent "nope"'],
    ['bad env TRACEPARENT', {}, { TRACEPARENT: TP.toUpperCase() }, 'env TRACEPARENT: invalid traceparent'],
    ['both trace flags', { traceparent: TP, traceIdFrom: 'x' }, {}, 'cannot be used together'],
    ['empty --trace-id-from', { traceIdFrom: '' }, {}, '--trace-id-from: cannot derive a trace id from an empty string'],
    ['bad --tracestate', { tracestate: 'A=1' }, {}, '--tracestate: invalid tracestate'],
    ['bad env TRACESTATE', {}, { TRACEPARENT: TP, TRACESTATE: 'a=1,a=2' }, 'env TRACESTATE: invalid tracestate: duplicate key'],
    ['bad --run-url', { pipelineRunUrl: 'runs/42' }, {}, '--run-url: "runs/42" is not an absolute URL'],
    ['bad --source-commit', { commit: 'HEAD' }, {}, '--source-commit: "HEAD" is not a commit id'],
    ['newline in --model-id', { modelId: 'a\nb' }, {}, '--model-id: "a\\nb" contains a control character'],
  ])('rejects %s', (_name, request, env, message) => {
    expect(() => plan(request, env)).toThrow(StampError);
    expect(() => plan(request, env)).toThrow(message);
  });
});

describe('planStamp: fields and file', () => {
  it('sets given fields, keeps the others from the file, and removes fields given as ""', () => {
    const current = fileOf({
      traceparent: TP_ENV,
      tracestate: 'old=1',
      modelId: 'fraud:v6',
      datasetVersion: 'd6',
      environment: 'staging',
      note: { kept: true },
    });
    const result = plan({ traceparent: TP, modelId: 'fraud:v7', environment: '' }, {}, current);
    expect(result.lineage).toEqual({ traceparent: TP, modelId: 'fraud:v7', datasetVersion: 'd6' });
    expect(result.changed).toEqual(['traceparent', 'tracestate', 'modelId', 'environment']);
    expect(JSON.parse(result.fileText)).toEqual({
      datasetVersion: 'd6',
      modelId: 'fraud:v7',
      note: { kept: true },
      schema: 'argo-otel.io/lineage/v1',
      traceparent: TP,
    });
    expect(result.trailers).toEqual([`Traceparent: ${TP}`, 'Model-Id: fraud:v7', 'Dataset-Version: d6']);
  });

  it('maps every flag to its field and trailer, and normalises values', () => {
    const result = plan({
      traceparent: TP,
      tracestate: ' a=1 , b=2 ',
      modelId: ' m ',
      datasetVersion: 'd',
      pipelineName: 'train',
      pipelineRunId: '42',
      pipelineRunUrl: 'https://ci.example.com/runs/42',
      commit: 'ABCDEF1',
      environment: 'production',
    });
    expect(result.trailers).toEqual([
      `Traceparent: ${TP}`,
      'Tracestate: a=1,b=2',
      'Model-Id: m',
      'Dataset-Version: d',
      'Pipeline-Name: train',
      'Pipeline-Run-Id: 42',
      'Pipeline-Run-Url: https://ci.example.com/runs/42',
      'Commit: abcdef1',
      'Environment: production',
    ]);
  });

  it('gives the same bytes for the same inputs and reports nothing changed on a repeat', () => {
    const first = plan({ traceIdFrom: 'run-1', modelId: 'm' });
    const again = plan({ traceIdFrom: 'run-1' }, {}, fileOf(JSON.parse(first.fileText) as Record<string, unknown>));
    expect(again.fileText).toBe(first.fileText);
    expect(again.changed).toEqual([]);
  });

  it('refuses to carry an invalid value forward from the file', () => {
    expect(() => plan({}, {}, fileOf({ pipelineRunUrl: 'nope' }))).toThrow(
      'current lineage file key "pipelineRunUrl" (fix it or pass --run-url): "nope" is not an absolute URL',
    );
    expect(plan({ pipelineRunUrl: 'https://ci/1' }, {}, fileOf({ pipelineRunUrl: 'nope' })).lineage.pipelineRunUrl).toBe(
      'https://ci/1',
    );
  });
});
