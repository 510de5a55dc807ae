// Reading plain-directory apps in place (from the streamed archive) against unpacking every request: two real
// servers running the real generate, the same requests, byte-identical answers, and nothing written in place.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../cmp-plugin/generate.js';
import { ANNOUNCED_PARAMETERS } from '../../cmp-plugin/server/parameters.js';
import { DEFAULT_EXTRACT_LIMITS } from '../../cmp-plugin/server/safe-extract.js';
import { startCmpServer, type RunningCmpServer } from '../../cmp-plugin/server/server.js';
import type { GenerateInput } from '../../cmp-plugin/types.js';
import { peerBinary } from '../cmp-generate/peers.js';
import { CmpClient, tgzOfRepo, type StreamRequest } from './repo-stream-client.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
const deploy = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: main\n          image: nginx:1.27\n`;

async function makeRepo(repo: string): Promise<void> {
  const files: Record<string, string> = {
    'plain/a.yaml': `${deploy('web')}---\n${cm('a', 'data:\n  mode: 0644\n  when: 12:30\n')}`,
    'plain/nested/deeper/b.yml': cm('b'),
    'plain/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] }),
    'plain/.hidden.yaml': cm('hidden'),
    'plain/readme.md': '# not a manifest',
    'shared/s.yaml': deploy('shared'),
    'lineage-app/x.yaml': deploy('x'),
    'lineage-app/.argo-otel/lineage.json': JSON.stringify({ schema: 'argo-otel.io/lineage/v1', modelId: 'fraud-v7', pipelineName: 'train' }),
    'broken/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {a: [1, 2\n',
    'dup/d.yaml': `${cm('d', 'data:\n  k: 1\n  k: 2\n')}`,
    'empty/notes.txt': 'nothing here',
    'kust/kustomization.yaml': 'resources: [k.yaml]\n',
    'kust/k.yaml': cm('k'),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(repo, path, '..'), { recursive: true });
    await writeFile(join(repo, path), text);
  }
  await symlink('../shared', join(repo, 'plain', 'linked'));
  await mkdir(join(repo, 'dangling'));
  await writeFile(join(repo, 'dangling', 'ok.yaml'), cm('ok'));
  await symlink('missing.yaml', join(repo, 'dangling', 'gone.yaml'));
  // A real .git, so `auto` unpacks it when the request has no traceparent and commit trailers are read.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-q', '-m', 'stamp\n\nModel-Id: from-trailer-v1');
}

describe('cmp-server: in place and unpacked give identical answers', () => {
  let base: string;
  let tgz: Buffer;
  const servers: Record<'inPlace' | 'unpack', { server: RunningCmpServer; client: CmpClient; workRoots: string[][] }> = {} as never;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'cmp-modes-'));
    await makeRepo(join(base, 'repo'));
    tgz = await tgzOfRepo(join(base, 'repo'));
    for (const mode of ['inPlace', 'unpack'] as const) {
      const workDir = join(base, `work-${mode}`);
      await mkdir(workDir);
      const workRoots: string[][] = [];
      const server = await startCmpServer({
        // What exists under the work dir while generate runs: the proof that in place writes nothing.
        generate: async (input: GenerateInput) => {
          const [root = ''] = await readdir(workDir);
          workRoots.push(await readdir(join(workDir, root)));
          return generate(input);
        },
        parameters: ANNOUNCED_PARAMETERS,
        maxCompressedBytes: 8 * 1024 * 1024,
        extractLimits: DEFAULT_EXTRACT_LIMITS,
        preserveFileMode: false,
        readInPlace: mode === 'inPlace',
        gitPolicy: 'auto',
        deadlineMarginMs: 300,
        applicationVersion: 'test',
        maxMessageBytes: 100 * 1024 * 1024,
        socketPath: join(base, `${mode}.sock`),
        workDir,
      });
      servers[mode] = { server, client: new CmpClient(server.socketPath), workRoots };
    }
  });

  afterAll(async () => {
    for (const s of Object.values(servers)) {
      s.client.close();
      await s.server.close(1_000);
    }
    await rm(base, { recursive: true, force: true });
  });

  const withTrace = { ARGOCD_APP_NAME: 'app', ARGOCD_APP_NAMESPACE: 'prod', ARGOCD_ENV_TRACEPARENT: TRACEPARENT };
  const cases: Array<[string, Omit<StreamRequest, 'tgz'>, 'in place' | 'unpacked' | 'refused']> = [
    ['plain app with nested dirs, a symlinked dir, JSON List and dotfiles', { appRelPath: 'plain', env: withTrace }, 'in place'],
    ['lineage file next to the app', { appRelPath: 'lineage-app', env: { ...withTrace, ARGOCD_ENV_MODEL_ID: '' } }, 'in place'],
    ['duplicate keys (last wins)', { appRelPath: 'dup', env: withTrace }, 'in place'],
    ['malformed YAML names file and line', { appRelPath: 'broken', env: withTrace }, 'refused'],
    ['a dangling symlink among the manifests', { appRelPath: 'dangling', env: withTrace }, 'refused'],
    ['no manifests at all', { appRelPath: 'empty', env: withTrace }, 'refused'],
    ['missing app directory', { appRelPath: 'nope', env: withTrace }, 'refused'],
    ['app path outside the repo', { appRelPath: '../x', env: withTrace }, 'refused'],
    ['no traceparent: .git is needed for commit trailers, so it is unpacked', { appRelPath: 'plain', env: { ARGOCD_APP_NAME: 'app' } }, 'unpacked'],
    ['Kustomize runs a tool on a real tree, so it is unpacked', { appRelPath: 'kust', env: { ...withTrace, ARGO_OTEL_KUSTOMIZE_PATH: peerBinary('kustomize') } }, 'unpacked'],
  ];

  it.each(cases)('%s', async (_name, req, expected) => {
    const answers = await Promise.all(
      (['inPlace', 'unpack'] as const).map(async (mode) => {
        const { client, workRoots } = servers[mode];
        const before = workRoots.length;
        const answer = await client.generate({ ...req, tgz }).then(
          (r) => ({ manifests: r.manifests }),
          (e: Error & { details?: string }) => ({ error: (e.details ?? e.message).replaceAll(/work-\w+\/_argo_otel_cmp_\w+\/(req-\w+|in-place)/g, '<workdir>') }),
        );
        return { answer, during: workRoots.slice(before) };
      }),
    );
    const [inPlace, unpack] = answers as [(typeof answers)[0], (typeof answers)[0]];
    expect(inPlace.answer).toEqual(unpack.answer);
    if (expected === 'refused') {
      expect(inPlace.answer).toHaveProperty('error');
      return;
    }
    expect(inPlace.answer).toHaveProperty('manifests');
    // The unpacking server always had its request dir; the in-place one only when it had to unpack too.
    expect(unpack.during).toEqual([[expect.stringMatching(/^req-/)]]);
    expect(inPlace.during).toEqual(expected === 'in place' ? [[]] : [[expect.stringMatching(/^req-/)]]);
  });

  it('the lineage file and commit trailers really reach the manifests in both modes', async () => {
    const fromFile = await servers.inPlace.client.generate({ appRelPath: 'lineage-app', env: withTrace, tgz });
    expect(fromFile.manifests.join('\n')).toContain('fraud-v7');
    const fromTrailer = await servers.inPlace.client.generate({ appRelPath: 'plain', env: { ARGOCD_APP_NAME: 'app' }, tgz });
    expect(fromTrailer.manifests.join('\n')).toContain('from-trailer-v1');
  });
});
