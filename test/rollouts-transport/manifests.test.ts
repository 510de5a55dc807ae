// manifests/rollouts is a Kustomize Component over a stock Argo Rollouts install: build it with real kustomize on
// a stand-in of the stock objects and check that the pieces agree (launcher path, socket path, mounts, uid).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { REPO } from './helpers.js';

const KUSTOMIZE = resolve(REPO, '.cache/bin/kustomize');

// The parts of argo-rollouts v1.9.1 manifests/install.yaml the component touches.
const STOCK = `
apiVersion: v1
kind: ConfigMap
metadata: {name: argo-rollouts-config}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: argo-rollouts}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argo-rollouts}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argo-rollouts}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: argo-rollouts
          image: quay.io/argoproj/argo-rollouts:v1.9.1
          volumeMounts:
            - {name: plugin-bin, mountPath: /home/argo-rollouts/plugin-bin}
            - {name: tmp, mountPath: /tmp}
      volumes:
        - {name: plugin-bin, emptyDir: {}}
        - {name: tmp, emptyDir: {}}
`;

interface Container {
  name: string;
  args?: string[];
  command?: string[];
  securityContext?: { runAsUser?: number; readOnlyRootFilesystem?: boolean };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface Built {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: Container[]; initContainers?: Container[]; volumes: Array<{ name: string }> } } };
}

let dir: string;
let objects: Built[];
beforeAll(() => {
  if (!existsSync(KUSTOMIZE)) throw new Error(`${KUSTOMIZE} is missing: run test/setup.sh (test/setup.d/render-tools.sh)`);
  dir = mkdtempSync(join(tmpdir(), 'rollouts-manifests-'));
  writeFileSync(join(dir, 'stock.yaml'), STOCK);
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `resources: [stock.yaml]\ncomponents: [${JSON.stringify(relative(dir, resolve(REPO, 'manifests/rollouts')))}]\n`,
  );
  const out = execFileSync(KUSTOMIZE, ['build', '--load-restrictor', 'LoadRestrictionsNone', dir], { encoding: 'utf8' });
  objects = parseAllDocuments(out).map((d) => d.toJS() as Built);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('manifests/rollouts component', () => {
  it('registers the launcher as a metric plugin whose args name the sidecar socket, which both containers mount', () => {
    const config = objects.find((o) => o.kind === 'ConfigMap')!;
    const plugins = parse(config.data!.metricProviderPlugins!) as Array<{ name: string; location: string; args: string[] }>;
    expect(plugins).toHaveLength(1);
    const [plugin] = plugins as [typeof plugins[0]];
    expect(plugin.name).toMatch(/^([a-zA-Z0-9-]+)\/{1}([a-zA-Z0-9_\-.]+)$/); // the controller's own name check
    expect(plugin.location).toMatch(/^file:\/\/\//);

    const pod = objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec;
    const controller = pod.containers.find((c) => c.name === 'argo-rollouts')!;
    const sidecar = pod.containers.find((c) => c.name === 'argo-otel-plugin')!;
    const init = pod.initContainers!.find((c) => c.name === 'argo-otel-launcher')!;

    // The launcher is copied where the controller reads the file:// location from.
    const launcherPath = plugin.location.slice('file://'.length);
    expect(init.command?.at(-1)).toBe(launcherPath);
    const binMount = controller.volumeMounts!.find((m) => launcherPath.startsWith(`${m.mountPath}/`))!;
    expect(init.volumeMounts!.map((m) => m.name)).toContain(binMount.name);

    // The launcher's address is the sidecar's --listen, on a volume both containers share.
    expect(plugin.args).toHaveLength(1);
    const address = plugin.args[0]!;
    expect(sidecar.args).toEqual(['rollouts-sidecar', '--listen', address]);
    const socketPath = address.slice('unix:'.length);
    const shared = (c: Container) => c.volumeMounts!.find((m) => socketPath.startsWith(`${m.mountPath}/`))?.name;
    expect(shared(sidecar)).toBeDefined();
    expect(shared(controller)).toBe(shared(sidecar));

    // Stock mounts and volumes survive the patch.
    expect(controller.volumeMounts!.map((m) => m.name)).toEqual(expect.arrayContaining(['plugin-bin', 'tmp']));
    expect(pod.volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['plugin-bin', 'tmp', binMount.name, shared(sidecar)]));
  });

  it('runs the added containers as the controller uid with a read-only root', () => {
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec;
    for (const c of [...pod.initContainers!, pod.containers.find((x) => x.name === 'argo-otel-plugin')!]) {
      expect(c.securityContext).toMatchObject({ runAsUser: 999, readOnlyRootFilesystem: true });
    }
  });
});
