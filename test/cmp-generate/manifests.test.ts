// manifests/cmp-generate rendered by the real `kubectl kustomize`, and plugin.yaml read the way argocd-cmp-server
// reads it (sigs.k8s.io/yaml YAMLToJSON, then encoding/json).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readYamlStream } from '../../cmp-plugin/render/yaml-reader.js';
import { InjectParameters } from '../../cmp-plugin/inject/options.js';
import { HelmParameters } from '../../cmp-plugin/render/helm.js';
import { ALLOW_EMPTY_PARAMETER } from '../../cmp-plugin/generate.js';
import { LineageCarrierNames } from '../../lineage/names.js';
import { goYamlToJson, REPO } from './peers.js';

const run = promisify(execFile);
const COMPONENT = join(REPO, 'manifests', 'cmp-generate');
let overlay: string;

type Obj = Record<string, any>;

beforeAll(async () => {
  overlay = await mkdtemp(join(tmpdir(), 'argo-otel-overlay-'));
  // The shape of Argo CD's own argocd-repo-server Deployment (manifests/base/repo-server), trimmed.
  await writeFile(
    join(overlay, 'repo-server.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: argocd-repo-server}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argocd-repo-server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argocd-repo-server}}
    spec:
      initContainers:
        - name: copyutil
          image: quay.io/argoproj/argocd:v3.5.1
          command: [sh, -c, /bin/cp /usr/local/bin/argocd /var/run/argocd/argocd && /bin/ln -sf /var/run/argocd/argocd /var/run/argocd/argocd-cmp-server]
          volumeMounts: [{name: var-files, mountPath: /var/run/argocd}]
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:v3.5.1
          volumeMounts: [{name: plugins, mountPath: /home/argocd/cmp-server/plugins}]
      volumes: [{name: var-files, emptyDir: {}}, {name: plugins, emptyDir: {}}]
`,
  );
  await writeFile(
    join(overlay, 'kustomization.yaml'),
    `resources: [repo-server.yaml]\ncomponents: [${relative(overlay, COMPONENT)}]\n`,
  );
});

afterAll(async () => {
  await rm(overlay, { recursive: true, force: true });
});

describe('manifests/cmp-generate', () => {
  it('kubectl kustomize adds the sidecar run by argocd-cmp-server as uid 999 with plugin.yaml and a private /tmp', async () => {
    const { stdout } = await run('kubectl', ['kustomize', overlay]);
    const docs = readYamlStream(stdout, 'kubectl kustomize').documents.map((d) => d.value as Obj);
    const cm = docs.find((d) => d.kind === 'ConfigMap') as Obj;
    const deployment = docs.find((d) => d.kind === 'Deployment') as Obj;
    expect(cm.metadata.name).toMatch(/^argo-otel-cmp-config-[a-z0-9]+$/);
    const spec = deployment.spec.template.spec;
    const sidecar = spec.containers.find((c: Obj) => c.name === 'argo-otel-cmp');
    expect(spec.containers.map((c: Obj) => c.name).sort()).toEqual(['argo-otel-cmp', 'argocd-repo-server']);
    expect(sidecar.command).toEqual(['/var/run/argocd/argocd-cmp-server']);
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    const mounts = Object.fromEntries(sidecar.volumeMounts.map((m: Obj) => [m.mountPath, m]));
    expect(mounts['/var/run/argocd']?.name).toBe('var-files');
    expect(mounts['/home/argocd/cmp-server/plugins']?.name).toBe('plugins');
    expect(mounts['/home/argocd/cmp-server/config/plugin.yaml']).toMatchObject({ name: 'argo-otel-cmp-config', subPath: 'plugin.yaml' });
    expect(mounts['/tmp']?.name).toBe('argo-otel-cmp-tmp');
    const volumes = Object.fromEntries(spec.volumes.map((v: Obj) => [v.name, v]));
    // The generated (hashed) ConfigMap name is what the volume points at.
    expect(volumes['argo-otel-cmp-config']?.configMap.name).toBe(cm.metadata.name);
    expect(volumes['argo-otel-cmp-tmp']).toEqual({ name: 'argo-otel-cmp-tmp', emptyDir: {} });
    expect(volumes['var-files']).toBeDefined();
    expect(cm.data['plugin.yaml']).toBe(await readFile(join(COMPONENT, 'plugin.yaml'), 'utf8'));
  });

  it('plugin.yaml passes argocd-cmp-server validation, has no discover, and announces every parameter we read', async () => {
    const [peer] = await goYamlToJson([await readFile(join(COMPONENT, 'plugin.yaml'), 'utf8')]);
    expect(peer?.error).toBeUndefined();
    const config = JSON.parse(peer?.json ?? '{}') as Obj;
    // ValidatePluginConfig: name set, kind exact, generate.command non-empty.
    expect(config.kind).toBe('ConfigManagementPlugin');
    expect(config.metadata.name).toBe('argo-otel');
    expect(config.spec.version).toBe('v1');
    expect(config.spec.generate.command.length).toBeGreaterThan(0);
    expect([...config.spec.generate.command, ...config.spec.generate.args]).toContain('generate');
    expect(config.spec.discover).toBeUndefined();
    const announced = config.spec.parameters.static as Obj[];
    for (const p of announced) {
      expect(typeof p.name).toBe('string');
      expect(typeof p.title).toBe('string');
      expect(['string', 'array', 'map']).toContain(p.collectionType);
    }
    const names = announced.map((p) => p.name);
    const read = [
      ...Object.values(InjectParameters),
      ...Object.values(HelmParameters),
      ALLOW_EMPTY_PARAMETER,
      ...Object.values(LineageCarrierNames).map((c) => c.parameter),
    ];
    expect(new Set(names)).toEqual(new Set(read.concat('strict')));
  });
});
