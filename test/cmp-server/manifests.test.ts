// The sidecar component applied by real kustomize to a repo-server shaped like Argo CD's base manifest.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = resolve(import.meta.dirname, '../..');
const KUSTOMIZE = join(REPO, '.cache/bin/kustomize');

const BASE_REPO_SERVER = `apiVersion: apps/v1
kind: Deployment
metadata: {name: argocd-repo-server}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argocd-repo-server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argocd-repo-server}}
    spec:
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:v3.5.1
          volumeMounts:
            - {name: plugins, mountPath: /home/argocd/cmp-server/plugins}
      volumes:
        - {name: plugins, emptyDir: {}}
        - {name: var-files, emptyDir: {}}
`;

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

describe('manifests/cmp-server component', () => {
  let dir: string;
  let deployment: { spec: { template: { spec: { containers: Container[]; volumes: { name: string }[] } } } };

  beforeAll(async () => {
    if (!existsSync(KUSTOMIZE)) throw new Error(`${KUSTOMIZE} missing: run test/setup.sh (render-tools.sh builds kustomize)`);
    dir = await mkdtemp(join(tmpdir(), 'cmp-manifests-'));
    await cp(join(REPO, 'manifests/cmp-server'), join(dir, 'cmp-server'), { recursive: true });
    await writeFile(join(dir, 'repo-server.yaml'), BASE_REPO_SERVER);
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: [repo-server.yaml]\ncomponents: [cmp-server]\n');
    deployment = parse(execFileSync(KUSTOMIZE, ['build', dir], { encoding: 'utf8' })) as typeof deployment;
  });
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('adds our server as a sidecar beside the untouched repo-server, with no argocd-cmp-server', () => {
    const { containers } = deployment.spec.template.spec;
    expect(containers.map((c) => c.name)).toEqual(['argo-otel-cmp', 'argocd-repo-server']);
    const sidecar = containers[0]!;
    expect(sidecar.command).toEqual(['node', '/app/dist/cli/main.js', 'cmp-server']);
    expect(JSON.stringify(deployment)).not.toContain('argocd-cmp-server');
  });

  it('runs non-root as uid 999 with a read-only root and a private tmp', () => {
    const { containers, volumes } = deployment.spec.template.spec;
    const sidecar = containers[0]!;
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(sidecar.volumeMounts).toEqual([
      { name: 'plugins', mountPath: '/home/argocd/cmp-server/plugins' },
      { name: 'argo-otel-cmp-tmp', mountPath: '/tmp' },
    ]);
    expect(sidecar.env).toContainEqual({ name: 'ARGOCD_PLUGINSOCKFILEPATH', value: '/home/argocd/cmp-server/plugins' });
    expect(sidecar.env).toContainEqual({ name: 'ARGOCD_CMP_WORKDIR', value: '/tmp' });
    expect(volumes.map((v) => v.name).sort()).toEqual(['argo-otel-cmp-tmp', 'plugins', 'var-files']);
  });
});
