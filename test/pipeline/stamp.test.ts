// `argo-otel stamp` against real git repositories in temp dirs; what it commits is read back with readLineage.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLineage } from '../../lineage/carriers.js';
import { parseTraceparent } from '../../lineage/traceparent.js';
import { stampCommand } from '../../pipeline/cli.js';
import { makeRepo, type TempRepo } from './git-repo.js';

interface Run {
  stdout: string;
  stderr: string;
}

async function stamp(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const run: Run = { stdout: '', stderr: '' };
  const command = stampCommand({
    env,
    random: randomBytes,
    stdout: (t) => (run.stdout += t),
    stderr: (t) => (run.stderr += t),
  })
    .exitOverride()
    .configureOutput({ writeOut: (t) => (run.stdout += t), writeErr: (t) => (run.stderr += t) });
  await command.parseAsync(args, { from: 'user' });
  return run;
}

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const FULL = [
  '--traceparent', TP,
  '--tracestate', 'ci=run42',
  '--model-id', 'fraud-detector:v7',
  '--dataset-version', 'transactions@2026-11-30',
  '--pipeline-name', 'train-and-release',
  '--run-id', '42',
  '--run-url', 'https://ci.example.com/runs/42',
  '--source-commit', '9fceb02d0ae598e95dc970b74767f19372d61af8',
  '--environment', 'production',
];
const FULL_LINEAGE = {
  traceparent: TP,
  tracestate: 'ci=run42',
  modelId: 'fraud-detector:v7',
  datasetVersion: 'transactions@2026-11-30',
  pipelineName: 'train-and-release',
  pipelineRunId: '42',
  pipelineRunUrl: 'https://ci.example.com/runs/42',
  commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  environment: 'production',
};

let repo: TempRepo;
let appDir: string;
let lineageFile: string;

beforeEach(async () => {
  repo = await makeRepo();
  appDir = join(repo.root, 'apps/fraud');
  lineageFile = join(appDir, '.argo-otel/lineage.json');
});
afterEach(async () => {
  await repo.remove();
});

describe('stamp --commit', () => {
  it('writes the lineage file, commits it with trailers, and readLineage reads both carriers back', async () => {
    const run = await stamp(['--app-dir', appDir, ...FULL, '--commit']);
    expect(run.stdout).toBe(`${TP}\n`);
    expect(run.stderr).toMatch(/wrote .*lineage\.json .*\n.*committed [0-9a-f]{40}\n$/);

    const fromFile = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(fromFile.lineage).toEqual(FULL_LINEAGE);
    expect(new Set(Object.values(fromFile.sources))).toEqual(new Set(['lineage-file']));
    expect(fromFile.warnings).toEqual([]);

    expect((await repo.git('show', '--name-only', '--format=%s', 'HEAD')).trim()).toBe(
      'Stamp lineage for apps/fraud\n\napps/fraud/.argo-otel/lineage.json',
    );
    expect(await repo.git('status', '--porcelain')).toBe('');

    // Without the file, the same lineage comes from the HEAD commit's trailers.
    await rm(lineageFile);
    const fromTrailers = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(fromTrailers.lineage).toEqual(FULL_LINEAGE);
    expect(new Set(Object.values(fromTrailers.sources))).toEqual(new Set(['commit-trailers']));
    expect(fromTrailers.warnings).toEqual([]);
  });

  it('uses the given subject, and commits what the pipeline staged alongside', async () => {
    await repo.write('apps/fraud/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fraud-v7\n');
    await repo.git('add', 'apps/fraud/deploy.yaml');
    await stamp(['--app-dir', appDir, '--model-id', 'fraud:v7', '--commit', '--message', 'Release fraud v7']);
    const show = await repo.git('show', '--name-only', '--format=%s%n%(trailers:key=Model-Id,valueonly)', 'HEAD');
    expect(show.split('\n').filter(Boolean)).toEqual([
      'Release fraud v7',
      'fraud:v7',
      'apps/fraud/.argo-otel/lineage.json',
      'apps/fraud/deploy.yaml',
    ]);
  });

  it('with --trace-id-from, a repeat gives identical bytes and still a commit carrying the trailers', async () => {
    await stamp(['--app-dir', appDir, '--trace-id-from', 'spinnaker:01J', '--model-id', 'm', '--commit']);
    const first = await readFile(lineageFile, 'utf8');
    const head1 = (await repo.git('rev-parse', 'HEAD')).trim();
    const run = await stamp(['--app-dir', appDir, '--trace-id-from', 'spinnaker:01J', '--commit']);
    expect(await readFile(lineageFile, 'utf8')).toBe(first);
    expect(run.stderr).toContain('(unchanged; traceparent from derived)');
    expect((await repo.git('rev-parse', 'HEAD~1')).trim()).toBe(head1);
    // sha256("spinnaker:01J") from coreutils sha256sum: trace-id = first 32 hex, parent-id = next 16.
    const derived = '00-abd2892190a99dcce22d39f6248513f9-270dfd5dfe1d2bc1-01';
    expect(run.stdout).toBe(`${derived}\n`);
    expect((await repo.git('log', '-1', '--format=%(trailers:key=Traceparent,valueonly)')).trim()).toBe(derived);
  });

  it('fails before writing anything when the app dir is not in a git repository', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'argo-otel-nogit-'));
    try {
      await expect(stamp(['--app-dir', outside, '--commit'])).rejects.toThrow(/--commit: .* is not inside a git work tree/);
      await expect(stat(join(outside, '.argo-otel'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reports a git commit failure (no identity) with git’s own words', async () => {
    await repo.git('config', '--unset', 'user.name');
    await repo.git('config', '--unset', 'user.email');
    const env = { ...process.env };
    const saved = { HOME: env.HOME, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME };
    // Point git at an empty global config so a developer's own identity cannot make this pass.
    const home = await mkdtemp(join(tmpdir(), 'argo-otel-home-'));
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      await expect(stamp(['--app-dir', appDir, '--commit'])).rejects.toThrow(/git commit: .*(identity|empty ident|tell me who you are)/is);
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.XDG_CONFIG_HOME === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved.XDG_CONFIG_HOME;
      delete process.env.GIT_CONFIG_NOSYSTEM;
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('stamp without --commit', () => {
  it('creates a new valid sampled traceparent when none is given, and prints env lines with --print-env', async () => {
    const run = await stamp(['--app-dir', appDir]);
    const tp = parseTraceparent(run.stdout.trim());
    expect(tp.ok && tp.value.flags & 0x01).toBe(1);
    const env = await stamp(['--app-dir', appDir, '--print-env'], {
      TRACEPARENT: TP,
      TRACESTATE: 'ci=7',
    });
    expect(env.stdout).toBe(`TRACEPARENT=${TP}\nTRACESTATE=ci=7\n`);
    expect(JSON.parse(await readFile(lineageFile, 'utf8'))).toEqual({
      schema: 'argo-otel.io/lineage/v1',
      traceparent: TP,
      tracestate: 'ci=7',
    });
  });

  it('updates fields in place, keeps unknown keys, and leaves no temp files', async () => {
    await stamp(['--app-dir', appDir, ...FULL]);
    const withExtra = { ...(JSON.parse(await readFile(lineageFile, 'utf8')) as object), xNote: 'kept' };
    await writeFile(lineageFile, JSON.stringify(withExtra));
    await stamp(['--app-dir', appDir, '--traceparent', TP, '--model-id', 'fraud-detector:v8', '--environment', '']);
    const text = await readFile(lineageFile, 'utf8');
    const { environment: _dropped, tracestate: _replaced, ...kept } = FULL_LINEAGE;
    expect(JSON.parse(text)).toEqual({ ...kept, modelId: 'fraud-detector:v8', schema: 'argo-otel.io/lineage/v1', xNote: 'kept' });
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...Object.keys(JSON.parse(text) as object)].sort());
    expect(await readdir(join(appDir, '.argo-otel'))).toEqual(['lineage.json']);
  });

  it.each([
    ['a missing app dir', ['--app-dir', '/nonexistent/argo-otel/app'], /--app-dir \/nonexistent\/argo-otel\/app does not exist/],
    ['an invalid --traceparent', ['--traceparent', '00-abc-def-01'], /--traceparent: invalid traceparent "00-abc-def-01": trace-id must be 32/],
    ['a bad --run-url', ['--run-url', 'ci/42'], /--run-url: "ci\/42" is not an absolute URL/],
    ['--message without --commit', ['--message', 'x'], /--message needs --commit/],
  ])('fails on %s and leaves the checkout untouched', async (_name, args, message) => {
    const full = args.includes('--app-dir') ? args : ['--app-dir', appDir, ...args];
    await expect(stamp(full)).rejects.toThrow(message);
    await expect(stat(lineageFile)).rejects.toThrow(/ENOENT/);
  });

  it('fails on an invalid env TRACEPARENT', async () => {
    await expect(stamp(['--app-dir', appDir], { TRACEPARENT: 'garbage' })).rejects.toThrow(
      /env TRACEPARENT: invalid traceparent "garbage"/,
    );
  });

  it('refuses to overwrite a lineage file it cannot read back', async () => {
    await repo.write('apps/fraud/.argo-otel/lineage.json', '{"schema": "argo-otel.io/lineage/v1", ');
    await expect(stamp(['--app-dir', appDir])).rejects.toThrow(/lineage\.json not valid JSON: .*fix or remove it/);
    expect(await readFile(lineageFile, 'utf8')).toBe('{"schema": "argo-otel.io/lineage/v1", ');
  });

  it('lets commander reject conflicting trace flags and a missing --app-dir', async () => {
    await expect(stamp(['--app-dir', appDir, '--traceparent', TP, '--trace-id-from', 'x'])).rejects.toThrow(/cannot be used with/);
    await expect(stamp([])).rejects.toThrow(/required option '--app-dir <dir>' not specified/);
  });
});

describe('stamp failures after the plan', () => {
  it('names the lineage file it cannot read, and leaves what is there alone', async () => {
    await repo.write('apps/fraud/.argo-otel', 'a file where the directory should be');
    await expect(stamp(['--app-dir', appDir])).rejects.toThrow(/apps\/fraud\/\.argo-otel\/lineage\.json cannot be read: ENOTDIR/);
    expect(await readFile(join(appDir, '.argo-otel'), 'utf8')).toBe('a file where the directory should be');
  });

  it('says the file was written when git refuses it', async () => {
    await repo.write('.gitignore', '.argo-otel/\n');
    await expect(stamp(['--app-dir', appDir, '--commit'])).rejects.toThrow(
      /git add: .*ignored.*\(.*lineage\.json was written but not committed\)/s,
    );
    expect(JSON.parse(await readFile(lineageFile, 'utf8'))).toHaveProperty('schema', 'argo-otel.io/lineage/v1');
  });
});
