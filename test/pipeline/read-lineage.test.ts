// readLineage against real git repositories and files: every carrier at once, the lineage-file search, git
// trailers written by git itself, and the failure modes (no git, broken .git, strict mode, foreign owner).
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageError, readLineage } from '../../lineage/carriers.js';
import { runGit } from '../../lineage/git.js';
import { makeRepo, type TempRepo } from './git-repo.js';

const TP_ENV = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TP_FILE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TP_GIT = '00-11111111111111111111111111111111-2222222222222222-01';
const SCHEMA = 'argo-otel.io/lineage/v1';

let repo: TempRepo;
let appDir: string;

beforeEach(async () => {
  repo = await makeRepo();
  appDir = join(repo.root, 'apps/fraud');
});
afterEach(async () => {
  await repo.remove();
});

async function commitWithTrailers(...trailers: string[]): Promise<void> {
  await repo.git('commit', '--quiet', '--allow-empty', '-m', 'release', ...trailers.flatMap((t) => ['--trailer', t]));
}

const lineageFile = (json: Record<string, unknown>) => JSON.stringify({ schema: SCHEMA, ...json });

describe('readLineage with every carrier', () => {
  it('takes each field from the highest carrier that has a valid value', async () => {
    await commitWithTrailers(
      `Traceparent: ${TP_GIT}`,
      'Model-Id: from-git',
      'Dataset-Version: from-git',
      'Pipeline-Name: from-git',
      'Commit: 9fceb02d0ae598e95dc970b74767f19372d61af8',
    );
    await repo.write('apps/fraud/.argo-otel/lineage.json', lineageFile({ traceparent: TP_FILE, modelId: 'from-file', datasetVersion: 'from-file' }));
    const result = await readLineage({
      appDir,
      repoRoot: repo.root,
      env: {
        ARGOCD_ENV_TRACEPARENT: TP_ENV,
        ARGOCD_ENV_TRACESTATE: 'env=1',
        ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'model-id', string: 'from-param' }, { name: 'environment', string: 'prod' }]),
        ARGOCD_ENV_PIPELINE_RUN_URL: 'not-a-url',
        PARAM_PIPELINE_RUN_URL: 'https://ci.example.com/runs/9',
      },
    });
    expect(result.lineage).toEqual({
      traceparent: TP_ENV,
      tracestate: 'env=1',
      modelId: 'from-param',
      datasetVersion: 'from-file',
      pipelineName: 'from-git',
      pipelineRunUrl: 'https://ci.example.com/runs/9',
      commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
      environment: 'prod',
    });
    expect(result.sources).toEqual({
      traceparent: 'plugin-env',
      tracestate: 'plugin-env',
      modelId: 'parameters',
      datasetVersion: 'lineage-file',
      pipelineName: 'commit-trailers',
      pipelineRunUrl: 'parameters',
      commit: 'commit-trailers',
      environment: 'parameters',
    });
    expect(result.warnings).toEqual(['plugin env ARGOCD_ENV_PIPELINE_RUN_URL: "not-a-url" is not an absolute URL']);
  });

  it('reads trailers however git wrapped or cased them, and skips an invalid trailer with its commit in the warning', async () => {
    await repo.git('commit', '--quiet', '--allow-empty', '-m', `release\n\nmodel-id: m1\nPipeline-Run-Url: nope\nSigned-off-by: A <a@b>`);
    const result = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(result.lineage).toEqual({ modelId: 'm1' });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^commit [0-9a-f]{7,} trailer Pipeline-Run-Url: "nope" is not an absolute URL$/);
  });

  it('throws LineageError in strict mode, naming the carrier and the problem', async () => {
    await repo.write('apps/fraud/.argo-otel/lineage.json', lineageFile({ traceparent: TP_FILE.replace(/^00/, 'ff') }));
    const read = readLineage({ appDir, repoRoot: repo.root, env: { PARAM_STRICT: 'true' } });
    await expect(read).rejects.toThrow(LineageError);
    await expect(read).rejects.toThrow(
      `lineage file apps/fraud/.argo-otel/lineage.json key "traceparent": invalid traceparent "${TP_FILE.replace(/^00/, 'ff')}": version ff is forbidden`,
    );
  });

  it('ignores malformed parameters JSON with a warning, or throws in strict mode', async () => {
    const env = { ARGOCD_APP_PARAMETERS: '[{"name": "model-id", "string": ', PARAM_MODEL_ID: 'm' };
    const result = await readLineage({ appDir, repoRoot: repo.root, env });
    expect(result.lineage).toEqual({ modelId: 'm' });
    expect(result.warnings[0]).toMatch(/^ARGOCD_APP_PARAMETERS is not valid JSON: /);
    await expect(readLineage({ appDir, repoRoot: repo.root, env: { ...env, ARGOCD_ENV_STRICT: 'true' } })).rejects.toThrow(
      /ARGOCD_APP_PARAMETERS is not valid JSON/,
    );
  });
});

describe('commit trailers in a monorepo', () => {
  it('ignores HEAD trailers when HEAD changed only files of another app, and uses them for that app', async () => {
    await repo.write('apps/other/deploy.yaml', 'kind: Deployment\n');
    await repo.git('add', 'apps/other');
    await commitWithTrailers('Model-Id: other:v1');
    const fraud = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(fraud.lineage).toEqual({});
    expect(fraud.warnings).toHaveLength(1);
    expect(fraud.warnings[0]).toMatch(/^commit [0-9a-f]+ trailers ignored: the commit changes no file under apps\/fraud, so they describe another app$/);
    const other = await readLineage({ appDir: join(repo.root, 'apps/other'), repoRoot: repo.root, env: {} });
    expect(other).toEqual({ lineage: { modelId: 'other:v1' }, sources: { modelId: 'commit-trailers' }, warnings: [] });
    // At the repository root every change counts.
    expect((await readLineage({ appDir: repo.root, env: {} })).lineage).toEqual({ modelId: 'other:v1' });
  });

  it('matches app paths with non-ASCII characters (git would quote them by default)', async () => {
    await repo.write('apps/détection/deploy.yaml', 'kind: Deployment\n');
    await repo.git('add', '.');
    await commitWithTrailers('Model-Id: d:v1');
    const result = await readLineage({ appDir: join(repo.root, 'apps/détection'), repoRoot: repo.root, env: {} });
    expect(result.lineage).toEqual({ modelId: 'd:v1' });
  });
});

describe('the lineage file search', () => {
  it('uses the nearest file from the app dir up to the repo root, and never above it', async () => {
    await repo.write('.argo-otel/lineage.json', lineageFile({ modelId: 'repo-wide' }));
    expect((await readLineage({ appDir, repoRoot: repo.root, env: {} })).lineage).toEqual({ modelId: 'repo-wide' });
    await repo.write('apps/fraud/.argo-otel/lineage.json', lineageFile({ environment: 'app-only' }));
    // Nearest file wins as a whole: fields are not merged across files.
    expect((await readLineage({ appDir, repoRoot: repo.root, env: {} })).lineage).toEqual({ environment: 'app-only' });
    // With the repo root = the app dir, the file above is out of reach.
    await rm(join(appDir, '.argo-otel'), { recursive: true });
    expect((await readLineage({ appDir, env: {} })).lineage).toEqual({});
  });

  it('reports a broken nearest file instead of falling back to one further up', async () => {
    await repo.write('.argo-otel/lineage.json', lineageFile({ modelId: 'repo-wide' }));
    await repo.write('apps/fraud/.argo-otel/lineage.json', '{"schema":"argo-otel.io/lineage/v0"}');
    const result = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(result.lineage).toEqual({});
    expect(result.warnings).toEqual([
      'lineage file apps/fraud/.argo-otel/lineage.json: has schema "argo-otel.io/lineage/v0"; this version reads "argo-otel.io/lineage/v1"',
    ]);
  });
});

describe('limits', () => {
  it('refuses an oversized lineage file without loading it', async () => {
    const text = lineageFile({ modelId: 'm', pad: 'x'.repeat(70_000) });
    await repo.write('apps/fraud/.argo-otel/lineage.json', text);
    const result = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(result.lineage).toEqual({});
    expect(result.warnings).toEqual([
      `lineage file apps/fraud/.argo-otel/lineage.json: cannot be read: it is ${Buffer.byteLength(text)} bytes, more than the 65536 a lineage file may have`,
    ]);
  });

  it('stops a git that hangs and says so', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'argo-otel-fakegit-'));
    await writeFile(join(bin, 'git'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    try {
      const result = await runGit(repo.root, ['log', '-1'], { timeoutMs: 300, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
      expect(result).toEqual({ kind: 'done', code: 1, stdout: '', stderr: 'git log was stopped by SIGKILL (timeout 0.3 s?)' });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('when git cannot help', () => {
  it('warns when git is not installed', async () => {
    await commitWithTrailers('Model-Id: m');
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const result = await readLineage({ appDir, repoRoot: repo.root, env: {} });
      expect(result.lineage).toEqual({});
      expect(result.warnings).toEqual(['git is not installed: commit trailers were not read']);
    } finally {
      process.env.PATH = path;
    }
  });

  it('warns, not throws, when git cannot even start (not executable)', async () => {
    await commitWithTrailers('Model-Id: m');
    const bin = await mkdtemp(join(tmpdir(), 'argo-otel-noexec-'));
    await writeFile(join(bin, 'git'), '#!/bin/sh\n', { mode: 0o644 });
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      const result = await readLineage({ appDir, repoRoot: repo.root, env: { ARGOCD_ENV_STRICT: 'true' } });
      expect(result.lineage).toEqual({});
      expect(result.warnings).toEqual(['commit trailers were not read: git could not run: spawn git EACCES']);
    } finally {
      process.env.PATH = path;
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('warns when .git is there but unusable (Argo CD excluded .git/*), and stays silent without .git', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'argo-otel-emptygit-'));
    try {
      expect((await readLineage({ appDir: bare, env: {} })).warnings).toEqual([]);
      await mkdir(join(bare, '.git'));
      const result = await readLineage({ appDir: bare, env: {} });
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/^commit trailers were not read: git log failed: /);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('warns for a repository without commits', async () => {
    const empty = await makeRepo({ commit: false });
    try {
      const result = await readLineage({ appDir: empty.root, env: {} });
      expect(result.warnings[0]).toMatch(/^commit trailers were not read: git log failed: .*(does not have any commits|unknown revision)/);
    } finally {
      await empty.remove();
    }
  });

  it('reads a repository owned by another user (as Argo CD unpacks it) despite git’s ownership check', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test needs root to chown the repository to another user');
    await commitWithTrailers('Model-Id: foreign');
    await chownTree(repo.root, 65534, 65534);
    const result = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(result).toEqual({ lineage: { modelId: 'foreign' }, sources: { modelId: 'commit-trailers' }, warnings: [] });
  });
});

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid, gid);
    else await chown(path, uid, gid);
  }
}

// Kept last: a file written here must not leak into other tests' repos.
it('reads nothing and warns about nothing for an app with no lineage at all', async () => {
  await writeFile(join(appDir, 'values.yaml'), 'x: 1\n');
  expect(await readLineage({ appDir, repoRoot: repo.root, env: {} })).toEqual({ lineage: {}, sources: {}, warnings: [] });
});
