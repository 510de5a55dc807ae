// Kustomize and Helm apps through generate() with the real tools (.cache/bin, built by render-tools.sh) and the
// kubectl fallback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type ReadLineage } from '../../cmp-plugin/generate.js';
import { Annotations } from '../../lineage/names.js';
import { peerBinary, REPO } from './peers.js';

const APPS = join(REPO, 'test', 'fixtures', 'apps');
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const readLineage: ReadLineage = async () => ({
  lineage: { traceparent: TP, modelId: 'fraud-v7' },
  sources: { traceparent: 'plugin-env', modelId: 'plugin-env' },
  warnings: [],
});

let helmHome: string;
beforeAll(async () => {
  helmHome = await mkdtemp(join(tmpdir(), 'argo-otel-helm-'));
});
afterAll(async () => {
  await rm(helmHome, { recursive: true, force: true });
});

function baseEnv(extra: Record<string, string>): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: helmHome,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    ARGOCD_APP_NAME: 'model',
    ARGOCD_APP_NAMESPACE: 'ml',
    ...extra,
  };
}

type Obj = Record<string, any>;

describe('Kustomize apps', () => {
  it('kustomize build: namespace and labels from the kustomization, then injection', async () => {
    const result = await generate(
      { appDir: join(APPS, 'kustomize'), env: baseEnv({ ARGO_OTEL_KUSTOMIZE_PATH: peerBinary('kustomize') }) },
      { readLineage },
    );
    expect(result.renderer).toBe('kustomize');
    expect(result.objects.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/ml/scorer-config',
      'Deployment/ml/scorer',
    ]);
    const d = result.objects[1] as Obj;
    expect(d.metadata.labels).toEqual({ team: 'ml' });
    expect(d.metadata.annotations[Annotations.traceparent]).toBe(TP);
    expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL_ID', value: 'fraud-v7' });
    // kustomize's YAML output went through the go-yaml v2 reader: "on" stayed a string because it was quoted.
    expect((result.objects[0] as Obj).data.mode).toBe('on');
    expect(result.patches.map((p) => p.resource)).toEqual(['Deployment/ml/scorer']);
  });

  it('falls back to `kubectl kustomize` when only kubectl is on PATH, with the same objects', async () => {
    const viaKustomize = await generate(
      { appDir: join(APPS, 'kustomize'), env: baseEnv({ ARGO_OTEL_KUSTOMIZE_PATH: peerBinary('kustomize') }) },
      { readLineage },
    );
    const viaKubectl = await generate({ appDir: join(APPS, 'kustomize'), env: baseEnv({ PATH: '/usr/bin' }) }, { readLineage });
    expect(viaKubectl.objects).toEqual(viaKustomize.objects);
  });

  it('a failing kustomize build reports the tool, exit status and its stderr', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'argo-otel-badkust-'));
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(bad, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
      const err = await generate(
        { appDir: bad, env: baseEnv({ ARGO_OTEL_KUSTOMIZE_PATH: peerBinary('kustomize') }) },
        { readLineage },
      ).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/`.*kustomize build \.` failed \(exit status 1\): .*missing\.yaml/s);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('external tools', () => {
  it('are stopped by the abort signal (Argo CD\'s deadline)', async () => {
    const { runTool } = await import('../../cmp-plugin/render/tools.js');
    const controller = new AbortController();
    const running = runTool({ command: 'sleep', args: ['60'], cwd: REPO, env: { PATH: process.env.PATH }, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toThrow(/`sleep 60` was aborted \(deadline passed\)/);
  });

  it('run without a shell: metacharacters in arguments stay literal', async () => {
    const { runTool } = await import('../../cmp-plugin/render/tools.js');
    const out = await runTool({ command: 'echo', args: ['$(id)', ';', '|', '*'], cwd: REPO, env: { PATH: process.env.PATH } });
    expect(out.stdout).toBe('$(id) ; | *\n');
  });
});

describe('Helm charts', () => {
  it('helm template with release name, namespace, values files, --set, KUBE_VERSION and KUBE_API_VERSIONS', async () => {
    const result = await generate(
      {
        appDir: join(APPS, 'helm'),
        env: baseEnv({
          ARGO_OTEL_HELM_PATH: peerBinary('helm'),
          ARGOCD_APP_NAME: 'argocd_fraud',
          KUBE_VERSION: '1.30.2',
          KUBE_API_VERSIONS: 'apps/v1,apps/v1/Deployment,argoproj.io/v1alpha1,v1',
          ARGOCD_APP_PARAMETERS: JSON.stringify([
            { name: 'helm-values-files', array: ['values-prod.yaml'] },
            { name: 'helm-set', map: { logLevel: 'debug' } },
          ]),
        }),
      },
      { readLineage },
    );
    expect(result.renderer).toBe('helm');
    expect(result.objects).toHaveLength(1);
    const d = result.objects[0] as Obj;
    expect(d.metadata.name).toBe('fraud-model');
    expect(d.metadata.namespace).toBe('ml');
    expect(d.metadata.labels).toEqual({ 'kube-version': 'v1.30.2', 'has-rollouts': 'true' });
    expect(d.spec.replicas).toBe(3);
    const env = d.spec.template.spec.containers[0].env as Obj[];
    expect(env[0]).toEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(env.map((e) => e.name)).toEqual(['LOG_LEVEL', 'MODEL_ID', 'ORCHESTRATION_TRACE_ID', 'OTEL_RESOURCE_ATTRIBUTES']);
    expect(d.spec.template.metadata.annotations[Annotations.traceparent]).toBe(TP);
  });

  it('a template error surfaces helm\'s message', async () => {
    const err = await generate(
      {
        appDir: join(APPS, 'helm'),
        env: baseEnv({
          ARGO_OTEL_HELM_PATH: peerBinary('helm'),
          ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'helm-values-files', array: ['does-not-exist.yaml'] }]),
        }),
      },
      { readLineage },
    ).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/helm template .* failed \(exit status 1\): .*does-not-exist\.yaml/s);
  });
});
