// Runs the git CLI (the one tool that reads every repository format and trailer rule correctly).
import { spawn } from 'node:child_process';

export type GitResult =
  | { kind: 'done'; code: number; stdout: string; stderr: string }
  /** git is not installed (spawn ENOENT). */
  | { kind: 'missing' };

// Variables that would point git at another repository than the directory we name.
const REPOSITORY_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

export interface GitOptions {
  /** Extra env on top of the process env (identity for commits, say). */
  env?: Readonly<Record<string, string>>;
  stdin?: string;
  /** `-c name=value` settings for this call. */
  config?: readonly string[];
  /** git is stopped after this long (default 30 s), so a stuck repository cannot hold a generation forever. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `git -C <dir> <args>`, trusting <dir> even when another user owns it (Argo CD unpacks repos as its own
 * user; git would otherwise refuse with "dubious ownership").
 */
export function runGit(dir: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of REPOSITORY_ENV) delete env[name];
  return new Promise((resolvePromise, reject) => {
    const config = ['-c', `safe.directory=${dir}`, ...(options.config ?? []).flatMap((c) => ['-c', c])];
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const child = spawn('git', [...config, '-C', dir, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolvePromise({ kind: 'missing' });
      else reject(error);
    });
    child.on('close', (code, signal) =>
      resolvePromise({
        kind: 'done',
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: signal
          ? `git ${args[0] ?? ''} was stopped by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeout / 1000} s?)` : ''}`
          : Buffer.concat(err).toString('utf8').trim(),
      }),
    );
    child.stdin.on('error', () => undefined); // git may exit before reading stdin; its exit code tells the story.
    child.stdin.end(options.stdin ?? '');
  });
}

/** The first line of git's complaint, for a one-line message. */
export const firstLine = (text: string): string => text.split('\n', 1)[0] ?? '';
