import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Annotations } from '../lineage/names.js';
import type { LineageReadResult } from '../lineage/record.js';
import { generate, type ReadLineage } from './generate.js';
import { nodeFs, type RenderFs } from './render/directory.js';
import { defaultRenderDeps, type RenderDeps } from './render/index.js';
import { GenerateError, type GenerateInput } from './types.js';

const APPS = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'apps');
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const LINEAGE: LineageReadResult = {
  lineage: { traceparent: TP, modelId: 'fraud-v7', commit: 'abc123', pipelineRunId: '42' },
  sources: { traceparent: 'lineage-file', modelId: 'lineage-file', commit: 'commit-trailers', pipelineRunId: 'lineage-file' },
  warnings: [],
};
const fixedLineage: ReadLineage = async () => structuredClone(LINEAGE);

function input(app: string, env: Record<string, string> = {}): GenerateInput {
  return { appDir: join(APPS, app), env: { ARGOCD_APP_NAME: 'model', ARGOCD_APP_NAMESPACE: 'ml', ...env } };
}

/** A lister that returns entries in a different (seeded) order each time: output must not depend on it. */
function shuffledFs(seed: number): RenderFs {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return {
    ...nodeFs,
    async list(dir) {
      const entries = await nodeFs.list(dir);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
      }
      return entries;
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<GenerateError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GenerateError);
    return err as GenerateError;
  }
  throw new Error('expected generate to fail');
}

describe('generate: plain directory app', () => {
  it('renders every manifest in sorted file order, skips dotfiles and non-Kubernetes documents, injects workloads', async () => {
    const result = await generate(input('plain'), { readLineage: fixedLineage });
    expect(result.renderer).toBe('directory');
    expect(result.objects.map((o) => `${o.kind}/${String(o.metadata?.name)}`)).toEqual([
      'Job/train',
      'CronJob/retrain',
      'DaemonSet/node-agent',
      'Deployment/model-server',
      'ConfigMap/model-config',
      'Service/model-server',
      'Pod/debug',
      'ReplicaSet/legacy',
      'Rollout/model-canary',
      'Rollout/model-ref',
      'Deployment/model-ref-pods',
      'Service/feature-store',
      'StatefulSet/feature-store',
    ]);
    expect(result.injected).toBe(10);
    expect(result.patches.map((p) => p.resource)).toContain('Deployment/ml/model-server');
    expect(result.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^notes\.yaml:2 \(document 0\): skipped: not a Kubernetes object/)]),
    );
    expect(result.lineage).toEqual(LINEAGE);
    const deployment = result.objects[3] as { spec: { template: { spec: { volumes: Array<{ configMap: { defaultMode: unknown } }>; containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } };
    // YAML 1.1 as Kubernetes reads it: 0644 is 420, "yes" stays a string because it was quoted.
    expect(deployment.spec.template.spec.volumes[0]?.configMap.defaultMode).toBe(420);
    const env = deployment.spec.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'LOG_JSON')?.value).toBe('yes');
    // The user's ml.model.id wins; ours are appended.
    expect(env.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value).toBe(
      'service.namespace=ml,ml.model.id=pinned-by-user,vcs.ref.head.revision=abc123,cicd.pipeline.run.id=42',
    );
  });

  it('is deterministic: byte-identical output across runs and directory listing orders', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        generate(input('plain'), { readLineage: fixedLineage, render: { ...defaultRenderDeps, fs: shuffledFs(seed) } }),
      ),
    );
    const first = JSON.stringify(runs[0]);
    for (const r of runs) expect(JSON.stringify(r)).toBe(first);
  });

  it('passes an invalid traceparent through the real lineage reader as a warning, not an error', async () => {
    const result = await generate(input('plain', { ARGOCD_ENV_TRACEPARENT: 'not-a-traceparent', ARGOCD_ENV_MODEL_ID: 'm1' }));
    expect(result.warnings.join('\n')).toMatch(/traceparent/i);
    const annotations = (result.objects.find((o) => o.kind === 'Deployment')?.metadata?.['annotations'] ?? {}) as Record<string, string>;
    expect(annotations[Annotations.traceparent]).toBeUndefined();
    expect(annotations[Annotations.modelId]).toBe('m1');
  });
});

describe('generate: bad input', () => {
  it('malformed YAML: GenerateError with file and line', async () => {
    const err = await failure(generate(input('bad-yaml'), { readLineage: fixedLineage }));
    expect(err.details).toMatchObject({ file: 'broken.yaml', line: 6 });
    expect(err.message).toMatch(/^broken\.yaml:6: malformed YAML/);
  });

  it('a malformed workload names the resource', async () => {
    const err = await failure(generate(input('bad-shape'), { readLineage: fixedLineage }));
    expect(err.message).toBe('Deployment/bad: spec.template must be an object');
  });

  it('an unreadable file names the file', async () => {
    const fs: RenderFs = {
      ...nodeFs,
      async readText(path) {
        if (path.endsWith('pod.yaml')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return nodeFs.readText(path);
      },
    };
    const err = await failure(generate(input('plain'), { readLineage: fixedLineage, render: { ...defaultRenderDeps, fs } }));
    expect(err.message).toBe('cannot read pod.yaml: permission denied');
  });

  it('zero objects is an error (Argo CD would prune everything) unless allow-empty is set', async () => {
    const err = await failure(generate(input('empty'), { readLineage: fixedLineage }));
    expect(err.message).toMatch(/produced no Kubernetes objects.*allow-empty=true/);
    const ok = await generate(input('empty', { ARGOCD_APP_PARAMETERS: '[{"name":"allow-empty","string":"true"}]' }), {
      readLineage: fixedLineage,
    });
    expect(ok.objects).toEqual([]);
  });

  it('a missing renderer names the tool and how to install it', async () => {
    const render: RenderDeps = { ...defaultRenderDeps, findExecutable: async () => undefined };
    const kustomize = await failure(generate(input('kustomize', { PATH: '/nowhere' }), { readLineage: fixedLineage, render }));
    expect(kustomize.message).toMatch(/^kustomize or kubectl not found on PATH; install kustomize .* or set ARGO_OTEL_KUSTOMIZE_PATH/);
    const helm = await failure(generate(input('helm', { PATH: '/nowhere' }), { readLineage: fixedLineage, render }));
    expect(helm.message).toMatch(/^helm not found on PATH; install helm v3 .* or set ARGO_OTEL_HELM_PATH/);
  });

  it('an explicit tool path that does not exist is a clear error too', async () => {
    const err = await failure(
      generate(input('kustomize', { ARGO_OTEL_KUSTOMIZE_PATH: '/nonexistent/kustomize' }), { readLineage: fixedLineage }),
    );
    expect(err.message).toBe('/nonexistent/kustomize not found');
  });

  it('bad plugin parameters are named', async () => {
    const err = await failure(generate(input('plain', { ARGOCD_APP_PARAMETERS: '{"name":"x"}' }), { readLineage: fixedLineage }));
    expect(err.message).toMatch(/ARGOCD_APP_PARAMETERS must be a JSON array/);
    const key = await failure(
      generate(input('plain', { ARGOCD_APP_PARAMETERS: '[{"name":"annotation-key","string":"bad key!"}]' }), { readLineage: fixedLineage }),
    );
    expect(key.message).toMatch(/annotation-key: "bad key!" is not a valid annotation key/);
  });

  it('an aborted signal stops generation with a clear error', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await failure(generate({ ...input('plain'), signal: controller.signal }, { readLineage: fixedLineage }));
    expect(err.message).toMatch(/aborted/);
  });
});

describe('generate CLI helpers', () => {
  it('finds the repo root from ARGOCD_APP_SOURCE_PATH (Argo CD runs us in <root>/<path>)', async () => {
    const { repoRootFromEnv } = await import('./cli.js');
    expect(repoRootFromEnv('/tmp/_cmp_server/u1/apps/model', { ARGOCD_APP_SOURCE_PATH: 'apps/model' })).toBe('/tmp/_cmp_server/u1');
    expect(repoRootFromEnv('/tmp/_cmp_server/u1/apps/model', { ARGOCD_APP_SOURCE_PATH: './apps/model/' })).toBe('/tmp/_cmp_server/u1');
    expect(repoRootFromEnv('/tmp/_cmp_server/u1', { ARGOCD_APP_SOURCE_PATH: '.' })).toBe('/tmp/_cmp_server/u1');
    expect(repoRootFromEnv('/elsewhere/x', { ARGOCD_APP_SOURCE_PATH: 'apps/model' })).toBe('/elsewhere/x');
    expect(repoRootFromEnv('/a/b', {})).toBe('/a/b');
  });

  it('formats a JSON object stream (one object per line) or a YAML stream', async () => {
    const { formatManifests } = await import('./cli.js');
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } },
    ];
    expect(formatManifests(objects, 'json')).toBe(`${JSON.stringify(objects[0])}\n${JSON.stringify(objects[1])}\n`);
    expect(formatManifests(objects, 'yaml')).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
    );
  });
});
