// The built CLI (`node dist/cli/main.js stamp`) as a CI step runs it: exit codes, stdout for the next step,
// diagnostics on stderr, and two steps chained through the env file that --print-env writes.
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readLineage } from '../../lineage/carriers.js';
import { cleanGitEnv, makeRepo, type TempRepo } from './git-repo.js';

const exec = promisify(execFile);
const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const base = cleanGitEnv();
  delete base.TRACEPARENT;
  delete base.TRACESTATE;
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, 'stamp', ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  await access(CLI).catch(() => {
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  });
});

let repo: TempRepo;
let appDir: string;
beforeEach(async () => {
  repo = await makeRepo();
  appDir = join(repo.root, 'apps/fraud');
});
afterEach(async () => {
  await repo.remove();
});

describe('argo-otel stamp (built CLI)', () => {
  it('chains two CI steps through --print-env output: the second step reuses the first trace', async () => {
    const first = await cli(['--app-dir', appDir, '--model-id', 'fraud:v7', '--print-env']);
    expect(first.code).toBe(0);
    const line = first.stdout.trim();
    expect(line).toMatch(/^TRACEPARENT=00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    expect(first.stderr).toContain('traceparent from new');

    // What `>> $GITHUB_ENV` (or `export "$(…)"`) gives the next step.
    const env = Object.fromEntries([line.split(/=(.*)/s).slice(0, 2) as [string, string]]);
    const second = await cli(['--app-dir', appDir, '--run-id', '42', '--commit'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`${env.TRACEPARENT}\n`);
    expect(second.stderr).toContain('traceparent from env');

    const read = await readLineage({ appDir, repoRoot: repo.root, env: {} });
    expect(read.lineage).toEqual({ traceparent: env.TRACEPARENT, modelId: 'fraud:v7', pipelineRunId: '42' });
    const trailers = await repo.git('log', '-1', '--format=%(trailers:only,unfold)');
    expect(trailers.trim().split('\n')).toEqual([`Traceparent: ${env.TRACEPARENT}`, 'Model-Id: fraud:v7', 'Pipeline-Run-Id: 42']);
  });

  it.each([
    [['--app-dir', '/nonexistent/app'], 'argo-otel: --app-dir /nonexistent/app does not exist'],
    [['--traceparent', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'], 'version ff is forbidden'],
    [['--run-url', 'ci/42'], '--run-url: "ci/42" is not an absolute URL'],
  ])('exits non-zero with a clear message for %j, writing nothing to stdout', async (args, message) => {
    const full = args.includes('--app-dir') ? args : ['--app-dir', appDir, ...args];
    const result = await cli(full);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    await expect(readFile(join(appDir, '.argo-otel/lineage.json'))).rejects.toThrow(/ENOENT/);
  });

  it('exits non-zero for an invalid TRACEPARENT in the env', async () => {
    const result = await cli(['--app-dir', appDir], { TRACEPARENT: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('env TRACEPARENT: invalid traceparent');
    expect(result.stderr).toContain('trace-id must be lowercase hex');
  });

  it('says in --help what --trace-id-from is for', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--trace-id-from <string>\s+derive the trace id/);
    expect(result.stdout).toContain('Spinnaker');
  });
});
