// The git side of `stamp --commit`: find the work tree, stage the lineage file, commit with trailers.
import { firstLine, runGit, type GitResult } from '../lineage/git.js';
import { StampError } from './stamp.js';

function ok(result: GitResult, what: string): string {
  if (result.kind === 'missing') throw new StampError(`${what}: git is not installed`);
  if (result.code !== 0) throw new StampError(`${what}: ${result.stderr || `git exited with ${result.code}`}`);
  return result.stdout.trim();
}

/** The work tree root containing `dir`, or a StampError saying it is not a git repository. */
export async function gitWorkTree(dir: string): Promise<string> {
  const result = await runGit(dir, ['rev-parse', '--show-toplevel']);
  if (result.kind === 'done' && result.code !== 0) {
    throw new StampError(`--commit: ${dir} is not inside a git work tree (${firstLine(result.stderr)})`);
  }
  return ok(result, '--commit');
}

/**
 * `git add <file>` then `git commit` with the trailers. Whatever else the pipeline staged is committed too (one
 * commit for the image bump and its lineage); an unchanged file still gets a commit so HEAD carries the trailers.
 */
export async function commitWithTrailers(input: {
  workTree: string;
  file: string;
  subject: string;
  trailers: readonly string[];
}): Promise<string> {
  ok(await runGit(input.workTree, ['add', '--', input.file]), 'git add');
  const trailerArgs = input.trailers.flatMap((t) => ['--trailer', t]);
  ok(
    await runGit(input.workTree, ['commit', '--quiet', '--allow-empty', '--cleanup=strip', '-m', input.subject, ...trailerArgs]),
    'git commit',
  );
  return ok(await runGit(input.workTree, ['rev-parse', 'HEAD']), 'git rev-parse HEAD');
}
