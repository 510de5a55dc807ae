// Temporary real git repositories for the pipeline and lineage tests. Uses git directly (not our runGit) so
// the tests check our code against git, not against itself.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface TempRepo {
  root: string;
  git(...args: string[]): Promise<string>;
  write(path: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/** A fresh repo on branch main with an identity and one commit containing `apps/fraud/deploy.yaml`. */
export async function makeRepo(options: { commit?: boolean } = {}): Promise<TempRepo> {
  const root = await mkdtemp(join(tmpdir(), 'argo-otel-git-'));
  const git = async (...args: string[]) => (await exec('git', ['-C', root, ...args], { env: cleanGitEnv() })).stdout;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    await git('init', '--quiet', '--initial-branch=main');
    await git('config', 'user.name', 'Pipeline Bot');
    await git('config', 'user.email', 'bot@example.com');
    await git('config', 'commit.gpgsign', 'false');
    await write('apps/fraud/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fraud\n');
    if (options.commit ?? true) {
      await git('add', '.');
      await git('commit', '--quiet', '-m', 'initial');
    }
  } catch (err) {
    // No repo to hand back, so nobody else would remove it.
    await remove();
    throw err;
  }
  return { root, git, write, remove };
}

/** The process env without variables that would redirect git to another repository. */
export function cleanGitEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name];
  return env;
}
