import { describe, expect, it } from 'vitest';
import { helmTemplateArgs } from './helm.js';
import { PluginParameters } from './parameters.js';

const APP = '/repo/apps/model';
const ROOT = '/repo';
const params = (list: unknown[]) => PluginParameters.fromEnv({ ARGOCD_APP_PARAMETERS: JSON.stringify(list) });

describe('helm template arguments, as Argo CD builds them', () => {
  it('release from the app name, namespace, kube version, API versions, values files, sorted --set, CRDs', () => {
    const env = {
      ARGOCD_APP_NAME: 'team-a_model',
      ARGOCD_APP_NAMESPACE: 'ml',
      KUBE_VERSION: '1.30.2',
      KUBE_API_VERSIONS: 'apps/v1,apps/v1/Deployment,argoproj.io/v1alpha1',
    };
    const p = params([
      { name: 'helm-values-files', array: ['values-prod.yaml', '/shared/common.yaml'] },
      { name: 'helm-set', map: { 'z.b': '2', 'a.b': '1' } },
      { name: 'helm-set-string', map: { tag: '0644' } },
    ]);
    expect(helmTemplateArgs(APP, ROOT, env, p)).toEqual([
      'template', 'model', '.',
      '--namespace', 'ml',
      '--kube-version', '1.30.2',
      '--api-versions', 'apps/v1', '--api-versions', 'apps/v1/Deployment', '--api-versions', 'argoproj.io/v1alpha1',
      '--values', '/repo/apps/model/values-prod.yaml', '--values', '/repo/shared/common.yaml',
      '--set', 'a.b=1', '--set', 'z.b=2',
      '--set-string', 'tag=0644',
      '--include-crds',
    ]);
  });

  it('explicit release name and namespace parameters; skip CRDs', () => {
    const p = params([
      { name: 'helm-release-name', string: 'canary' },
      { name: 'helm-namespace', string: 'other' },
      { name: 'helm-skip-crds', string: 'true' },
    ]);
    expect(helmTemplateArgs(APP, ROOT, { ARGOCD_APP_NAME: 'x' }, p)).toEqual(['template', 'canary', '.', '--namespace', 'other']);
  });

  it('PARAM_* fallback for arrays', () => {
    const p = PluginParameters.fromEnv({ PARAM_HELM_VALUES_FILES_0: 'a.yaml', PARAM_HELM_VALUES_FILES_1: 'b.yaml' });
    expect(helmTemplateArgs(APP, ROOT, { ARGOCD_APP_NAME: 'x' }, p)).toContain('/repo/apps/model/b.yaml');
  });

  it('refuses values files outside the repository, remote values and invalid release names', () => {
    expect(() => helmTemplateArgs(APP, ROOT, {}, params([{ name: 'helm-values-files', array: ['../../../etc/passwd'] }]))).toThrow(
      /resolves outside the repository/,
    );
    expect(() => helmTemplateArgs(APP, ROOT, {}, params([{ name: 'helm-values-files', array: ['https://x/v.yaml'] }]))).toThrow(
      /remote values files are not supported/,
    );
    expect(() => helmTemplateArgs(APP, ROOT, {}, params([{ name: 'helm-release-name', string: 'Bad_Name' }]))).toThrow(
      /helm release name "Bad_Name" is invalid/,
    );
  });
});

describe('PluginParameters', () => {
  it('reads ARGOCD_APP_PARAMETERS first, PARAM_* as fallback, booleans strictly', () => {
    const p = PluginParameters.fromEnv({
      ARGOCD_APP_PARAMETERS: '[{"name":"overwrite","string":"yes"},{"name":"containers","array":["a","b"]}]',
      PARAM_OVERWRITE: 'false',
      PARAM_SEED_ANNOTATION: 'false',
    });
    expect(p.boolean('overwrite', false)).toBe(true);
    expect(p.array('containers')).toEqual(['a', 'b']);
    expect(p.boolean('seed-annotation', true)).toBe(false);
    expect(PluginParameters.fromEnv({ ARGOCD_APP_PARAMETERS: 'null' }).string('x')).toBeUndefined();
    expect(() => PluginParameters.fromEnv({ PARAM_OVERWRITE: 'maybe' }).boolean('overwrite', false)).toThrow(
      /plugin parameter overwrite must be true or false, got "maybe"/,
    );
    expect(() => PluginParameters.fromEnv({ ARGOCD_APP_PARAMETERS: '[{"name":"x","map":{"a":1}}]' })).toThrow(/map must map strings/);
  });
});
