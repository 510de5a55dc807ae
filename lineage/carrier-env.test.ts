import { describe, expect, it } from 'vitest';
import { escapeEnvName, readParameters, readPluginEnv, readStrict } from './carrier-env.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('plugin env carrier', () => {
  it('reads every ARGOCD_ENV_* name', () => {
    const reading = readPluginEnv({
      ARGOCD_ENV_TRACEPARENT: TP,
      ARGOCD_ENV_TRACESTATE: 'a=1',
      ARGOCD_ENV_MODEL_ID: 'm',
      ARGOCD_ENV_DATASET_VERSION: 'd',
      ARGOCD_ENV_PIPELINE_NAME: 'n',
      ARGOCD_ENV_PIPELINE_RUN_ID: 'r',
      ARGOCD_ENV_PIPELINE_RUN_URL: 'https://ci/r',
      ARGOCD_ENV_COMMIT: 'abc1234',
      ARGOCD_ENV_ENVIRONMENT: 'prod',
      ARGOCD_APP_NAME: 'app',
    });
    expect(Object.fromEntries(Object.entries(reading.values).map(([k, v]) => [k, v.value]))).toEqual({
      traceparent: TP,
      tracestate: 'a=1',
      modelId: 'm',
      datasetVersion: 'd',
      pipelineName: 'n',
      pipelineRunId: 'r',
      pipelineRunUrl: 'https://ci/r',
      commit: 'abc1234',
      environment: 'prod',
    });
    expect(reading.values.modelId?.origin).toBe('plugin env ARGOCD_ENV_MODEL_ID');
    expect(reading.notices).toEqual([]);
  });

  it('points out names that differ only in spelling (Argo CD passes them verbatim)', () => {
    const reading = readPluginEnv({ 'ARGOCD_ENV_model-id': 'm', ARGOCD_ENV_Traceparent: TP, ARGOCD_ENV_OTHER: 'x' });
    expect(reading.values).toEqual({});
    expect(reading.notices).toEqual([
      'plugin env ARGOCD_ENV_Traceparent ignored: names are case-sensitive, use TRACEPARENT',
      'plugin env ARGOCD_ENV_model-id ignored: names are case-sensitive, use MODEL_ID',
    ]);
  });
});

describe('parameters carrier', () => {
  it('reads string parameters from ARGOCD_APP_PARAMETERS as Argo CD marshals them', () => {
    const json = JSON.stringify([
      { name: 'model-id', string: 'm' },
      { name: 'pipeline-run-url', string: 'https://ci/1' },
      { map: { a: 'b' }, name: 'other-plugin-setting' },
    ]);
    const reading = readParameters({ ARGOCD_APP_PARAMETERS: json, PARAM_MODEL_ID: 'ignored-json-wins' });
    expect(reading.values).toEqual({
      modelId: { value: 'm', origin: 'parameter "model-id" (ARGOCD_APP_PARAMETERS)' },
      pipelineRunUrl: { value: 'https://ci/1', origin: 'parameter "pipeline-run-url" (ARGOCD_APP_PARAMETERS)' },
    });
    expect(reading.problems).toEqual([]);
  });

  it('falls back to PARAM_* when ARGOCD_APP_PARAMETERS is absent, null or malformed', () => {
    for (const json of [undefined, 'null', '']) {
      const reading = readParameters({ ARGOCD_APP_PARAMETERS: json, PARAM_DATASET_VERSION: 'd' });
      expect(reading.values).toEqual({ datasetVersion: { value: 'd', origin: 'parameter env PARAM_DATASET_VERSION' } });
      expect(reading.problems).toEqual([]);
    }
    const broken = readParameters({ ARGOCD_APP_PARAMETERS: '[{"name":', PARAM_COMMIT: 'abc1234' });
    expect(broken.values.commit?.value).toBe('abc1234');
    expect(broken.problems[0]).toMatch(/^ARGOCD_APP_PARAMETERS is not valid JSON: /);
  });

  it.each([
    ['{"name":"x"}', 'ARGOCD_APP_PARAMETERS must be a JSON array of parameters'],
    ['[{"string":"x"}]', 'ARGOCD_APP_PARAMETERS[0] must be an object with a string "name"'],
    ['[1]', 'ARGOCD_APP_PARAMETERS[0] must be an object with a string "name"'],
  ])('rejects the shape %s', (json, problem) => {
    expect(readParameters({ ARGOCD_APP_PARAMETERS: json }).problems).toEqual([problem]);
  });

  it('rejects array and map values for our parameters', () => {
    const json = JSON.stringify([{ array: ['a'], name: 'model-id' }, { map: {}, name: 'commit' }]);
    expect(readParameters({ ARGOCD_APP_PARAMETERS: json }).problems).toEqual([
      'parameter "model-id" (ARGOCD_APP_PARAMETERS): must be a string parameter, not an array',
      'parameter "commit" (ARGOCD_APP_PARAMETERS): must be a string parameter, not a map',
    ]);
  });

  it('escapes names the way Argo CD does for PARAM_*', () => {
    expect(escapeEnvName('model-id')).toBe('MODEL_ID');
    expect(escapeEnvName('a.b/c')).toBe('A_B_C');
  });
});

describe('strict', () => {
  const params = (value: string) => JSON.stringify([{ name: 'strict', string: value }]);
  it.each([
    [{}, false],
    [{ ARGOCD_ENV_STRICT: 'true' }, true],
    [{ ARGOCD_ENV_STRICT: 'TRUE' }, true],
    [{ ARGOCD_APP_PARAMETERS: params('true') }, true],
    [{ PARAM_STRICT: 'true' }, true],
    [{ ARGOCD_ENV_STRICT: 'false', ARGOCD_APP_PARAMETERS: params('true') }, false],
    [{ ARGOCD_ENV_STRICT: '', PARAM_STRICT: 'true' }, true],
    [{ ARGOCD_APP_PARAMETERS: params('false'), PARAM_STRICT: 'true' }, false],
  ])('%j → %s', (env, strict) => {
    expect(readStrict(env)).toEqual({ strict });
  });

  it('says so when the value is neither true nor false', () => {
    expect(readStrict({ ARGOCD_ENV_STRICT: 'yes' })).toEqual({
      strict: false,
      notice: 'plugin env ARGOCD_ENV_STRICT: "yes" is not true or false; strict mode is off',
    });
  });
});
