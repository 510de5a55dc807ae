import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listManifestFiles, nodeFs, renderDirectory } from './directory.js';

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'argo-otel-dir-'));
  outside = await mkdtemp(join(tmpdir(), 'argo-otel-outside-'));
  await mkdir(join(root, 'app', 'b', 'nested'), { recursive: true });
  await mkdir(join(root, 'app', '.git'), { recursive: true });
  await mkdir(join(root, 'shared'), { recursive: true });
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
  await writeFile(join(root, 'app', 'Z.yaml'), cm('upper-z'));
  await writeFile(join(root, 'app', 'a.yml'), cm('a'));
  await writeFile(join(root, 'app', 'b', 'nested', 'c.json'), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}');
  await writeFile(join(root, 'app', '.git', 'config.yaml'), cm('git'));
  await writeFile(join(root, 'app', 'script.sh'), 'echo no');
  await writeFile(join(root, 'shared', 'common.yaml'), cm('shared'));
  await symlink(join(root, 'shared', 'common.yaml'), join(root, 'app', 'linked.yaml'));
  await writeFile(join(outside, 'secret.yaml'), cm('outside'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('directory renderer', () => {
  it('lists manifests recursively in code-unit order, skipping dot-dirs and other extensions, following inner symlinks', async () => {
    expect(await listManifestFiles(join(root, 'app'), root, nodeFs)).toEqual(['Z.yaml', 'a.yml', 'b/nested/c.json', 'linked.yaml']);
    const result = await renderDirectory(join(root, 'app'), root, nodeFs);
    expect(result.objects.map((o) => o.object.metadata?.name)).toEqual(['upper-z', 'a', 'c', 'shared']);
  });

  it('refuses a symlink that leaves the repository', async () => {
    const app = join(root, 'app2');
    await mkdir(app);
    await symlink(join(outside, 'secret.yaml'), join(app, 'escape.yaml'));
    await expect(renderDirectory(app, root, nodeFs)).rejects.toThrow(/escape\.yaml is a symlink to .*outside the repository/);
  });

  it('an unreadable directory is a clear error', async () => {
    const fs = { ...nodeFs, list: async () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) };
    await expect(renderDirectory(join(root, 'app'), root, fs)).rejects.toThrow('cannot read .: permission denied');
  });
});
