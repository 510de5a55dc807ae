// The built CLI (`node dist/cli/main.js generate`) as argocd-cmp-server runs it: cwd = app dir, env in, manifests
// on stdout. Its YAML is read back by real go-yaml v2; its span goes to a real OTLP/gRPC receiver.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readYamlStream } from '../../cmp-plugin/render/yaml-reader.js';
import { Annotations } from '../../lineage/names.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import { goYamlStreamToJson, peerBinary, REPO } from './peers.js';

const APPS = join(REPO, 'test', 'fixtures', 'apps');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const LINEAGE_ENV = {
  ARGOCD_ENV_TRACEPARENT: TP,
  ARGOCD_ENV_MODEL_ID: 'fraud-v7',
  ARGOCD_ENV_PIPELINE_RUN_ID: 'run 42',
  ARGOCD_APP_NAME: 'fraud',
  ARGOCD_APP_NAMESPACE: 'ml',
  ARGOCD_APP_REVISION: '9c1e4f2a9c1e4f2a9c1e4f2a9c1e4f2a9c1e4f2a',
};

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function generateCli(app: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'generate', ...args], {
      cwd: join(APPS, app),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', OTEL_TRACES_EXPORTER: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // Others' unfinished files may fail type-checking; tsc still emits, and we need only our entry points.
  const build = await promisify(execFile)('nice', ['-n', '10', 'npx', 'tsc', '-p', 'tsconfig.json'], { cwd: REPO }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
  );
  if (!existsSync(CLI) || !existsSync(join(REPO, 'dist', 'cmp-plugin', 'cli.js'))) {
    throw new Error(`tsc did not produce ${CLI}:\n${build.stdout}`);
  }
});

describe('argo-otel generate (built CLI)', () => {
  it('prints YAML that go-yaml v2 reads to exactly the JSON output, deterministically', async () => {
    const yaml1 = await generateCli('plain', [], LINEAGE_ENV);
    const yaml2 = await generateCli('plain', ['--output', 'yaml'], LINEAGE_ENV);
    const json = await generateCli('plain', ['--output', 'json'], LINEAGE_ENV);
    for (const r of [yaml1, yaml2, json]) expect(r.code, r.stderr).toBe(0);
    expect(yaml2.stdout).toBe(yaml1.stdout);
    const objects = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects).toHaveLength(13);
    const peer = await goYamlStreamToJson(yaml1.stdout);
    expect(peer.map((p) => p.error)).toEqual(objects.map(() => undefined));
    expect(peer.map((p) => JSON.parse(p.json ?? 'null'))).toEqual(objects);
    expect(readYamlStream(yaml1.stdout, 'stdout').documents.map((d) => d.value)).toEqual(objects);
    const deployment = objects.find((o) => o.kind === 'Deployment') as { metadata: { annotations: Record<string, string> } };
    expect(deployment.metadata.annotations[Annotations.traceparent]).toBe(TP);
    // Diagnostics go to stderr, never into the manifests.
    expect(yaml1.stderr).toMatch(/warning: notes\.yaml:2 \(document 0\): skipped/);
  });

  it('--explain prints each resource\'s RFC 6902 patch to stderr', async () => {
    const r = await generateCli('plain', ['--explain', '--output', 'json'], LINEAGE_ENV);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^# Deployment\/ml\/model-server: \d+ operation\(s\)$/m);
    const block = r.stderr.split(/^# Deployment\/ml\/model-server: \d+ operation\(s\)\n/m)[1]?.split(/^# /m)[0] ?? '';
    const ops = JSON.parse(block) as Array<{ op: string; path: string }>;
    expect(ops[0]).toMatchObject({ op: 'add', path: '/metadata/annotations' });
  });

  it('reads the lineage file the pipeline wrote (real lineage reader) and injects the Rollout canary contract', async () => {
    const r = await generateCli('lineage-file', ['--output', 'json'], { ARGOCD_APP_NAME: 'fraud' });
    expect(r.code, r.stderr).toBe(0);
    const [rollout] = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(rollout?.metadata.annotations[Annotations.traceparent]).toBe(TP);
    expect(rollout?.spec.template.spec.containers[0].env).toEqual([
      { name: 'MODEL_ID', value: 'fraud-v7' },
      { name: 'ORCHESTRATION_TRACE_ID', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${Annotations.traceparent}']` } } },
      { name: 'ARGO_OTEL_POD_TEMPLATE_HASH', valueFrom: { fieldRef: { fieldPath: "metadata.labels['rollouts-pod-template-hash']" } } },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'ml.model.id=fraud-v7,ml.dataset.version=ds-2026-11,vcs.ref.head.revision=4f2a9c1e7b3d,cicd.pipeline.run.id=run-42,deployment.environment.name=prod,k8s.pod.label.rollouts-pod-template-hash=$(ARGO_OTEL_POD_TEMPLATE_HASH)',
      },
    ]);
  });

  it('runs a Kustomize app with the real kustomize', async () => {
    const r = await generateCli('kustomize', ['--output', 'json'], { ...LINEAGE_ENV, ARGO_OTEL_KUSTOMIZE_PATH: peerBinary('kustomize') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual(['ConfigMap', 'Deployment']);
  });

  it.each([
    ['bad-yaml', /^argo-otel generate: error: broken\.yaml:6: malformed YAML/m],
    ['bad-shape', /^argo-otel generate: error: Deployment\/bad: spec\.template must be an object$/m],
    ['empty', /error: the directory renderer produced no Kubernetes objects/],
  ])('%s: non-zero exit, clear message on stderr, nothing on stdout', async (app, message) => {
    const r = await generateCli(app, [], LINEAGE_ENV);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('a missing tool fails with its name and how to install it', async () => {
    const r = await generateCli('helm', [], { ...LINEAGE_ENV, PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/helm not found on PATH; install helm v3 .* or set ARGO_OTEL_HELM_PATH/);
  });

  it('rejects an unknown --output format', async () => {
    const r = await generateCli('plain', ['--output', 'xml'], LINEAGE_ENV);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/xml/);
  });
});

describe('argo-otel generate telemetry', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('exports one generate span linked (not parented) to the pipeline trace before exiting', async () => {
    const r = await generateCli('plain', ['--output', 'json'], {
      ...LINEAGE_ENV,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
    });
    expect(r.code, r.stderr).toBe(0);
    // The process has exited, so the span must already be here: shutdown flushed it.
    const spans = receiver.spans.filter((s) => s.name === 'generate fraud');
    expect(spans).toHaveLength(1);
    const span = spans[0];
    expect(span?.traceId).not.toBe(TP.slice(3, 35));
    expect(span?.links.map((l) => [l.traceId, l.spanId])).toEqual([[TP.slice(3, 35), TP.slice(36, 52)]]);
  });
});
