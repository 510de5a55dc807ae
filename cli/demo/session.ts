// What every demo step shares: one temp dir, the children it started, cleanup that always runs (also on error and
// Ctrl-C), the built CLI as a child process, and the few print helpers that keep the output short.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo root: this file runs as dist/cli/demo/session.js. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO, 'dist', 'cli', 'main.js');

export interface CliResult {
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the first match of `pattern` on stdout; rejects if the child exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** The same on stderr. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves once the child has exited; SIGKILLs it after `timeoutMs`. */
  exited(timeoutMs: number): Promise<void>;
}

export class DemoSession {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private readonly children = new Set<ChildProcess>();
  private closing: Promise<void> | undefined;
  private aborted: string | undefined;

  private constructor(
    readonly dir: string,
    private readonly out: (line: string) => void,
  ) {}

  static async create(out: (line: string) => void): Promise<DemoSession> {
    const dir = await mkdtemp(join(tmpdir(), 'argo-otel-demo-'));
    const session = new DemoSession(dir, out);
    session.defer(() => rm(dir, { recursive: true, force: true }));
    return session;
  }

  step(n: number, title: string): void {
    this.checkNotAborted();
    this.out(`\n== ${n}. ${title}`);
  }

  fact(label: string, value: string | number): void {
    this.out(`   ${`${label}:`.padEnd(26)} ${value}`);
  }

  note(text: string): void {
    this.out(`   ${text}`);
  }

  /** One line: what is skipped, and exactly how to get it. */
  skip(what: string, how: string): void {
    this.out(`   skipped: ${what} — ${how}`);
  }

  print(text: string): void {
    this.out(text);
  }

  /** Registers cleanup; run in reverse order by close(). */
  defer(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /**
   * Ctrl-C: kills the children so the step in flight fails soon, and makes every later step or child refuse to
   * start. Cleanup waits for close(), so nothing is removed under a step still using it.
   */
  abort(reason: string): void {
    this.aborted ??= reason;
    for (const child of this.children) kill(child, 'SIGKILL');
  }

  /** Throws once the demo was interrupted: long steps call it between rounds of work. */
  checkNotAborted(): void {
    if (this.aborted !== undefined) throw new Error(`demo interrupted (${this.aborted})`);
  }

  /** Kills every child still running, then runs cleanups (last registered first). Idempotent; never throws. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const child of this.children) kill(child, 'SIGKILL');
      for (const cleanup of this.cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          this.out(`   cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.closing;
  }

  /** Starts a long-running child; it is killed by close() if still running. */
  start(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Started {
    this.checkNotAborted();
    const child = spawn(command, args, { cwd: options.cwd ?? this.dir, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    const output = { stdout: '', stderr: '' };
    let ended: string | undefined;
    const listeners = new Set<() => void>();
    const wake = (): void => [...listeners].forEach((l) => l());
    child.stdout?.setEncoding('utf8').on('data', (d: string) => ((output.stdout += d), wake()));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => ((output.stderr += d), wake()));
    const exit = new Promise<void>((ok) => {
      child.once('exit', (code, signal) => ((ended = signal ?? `exit ${code}`), this.children.delete(child), wake(), ok()));
      child.once('error', (error) => ((ended = error.message), this.children.delete(child), wake(), ok()));
    });
    const waitFor = (stream: 'stdout' | 'stderr') => (pattern: RegExp, timeoutMs: number) =>
      new Promise<RegExpMatchArray>((ok, fail) => {
        const what = `${command} ${args.slice(0, 2).join(' ')}`;
        const done = (error?: Error, m?: RegExpMatchArray): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) fail(error);
          else ok(m as RegExpMatchArray);
        };
        const check = (): void => {
          const m = output[stream].match(pattern);
          if (m) done(undefined, m);
          else if (ended !== undefined) done(new Error(`${what} ended (${ended}) before printing ${pattern}; stderr:\n${output.stderr.trim()}`));
        };
        const timer = setTimeout(() => done(new Error(`${what} did not print ${pattern} within ${timeoutMs} ms; stderr:\n${output.stderr.trim()}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    return {
      child,
      stderr: () => output.stderr,
      waitForStdout: waitFor('stdout'),
      waitForStderr: waitFor('stderr'),
      exited: async (timeoutMs) => {
        const timer = setTimeout(() => kill(child, 'SIGKILL'), timeoutMs);
        await exit;
        clearTimeout(timer);
      },
    };
  }

  /** Starts `argo-otel <args>` (the built CLI) as a long-running child. */
  startCli(args: string[], env: NodeJS.ProcessEnv): Started {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    return this.start(process.execPath, [CLI, ...args], { env });
  }

  /** Runs `argo-otel <args>` (the built CLI) to completion; rejects with its stderr on a non-zero exit. */
  cli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
    if (!existsSync(CLI)) return Promise.reject(new Error(`${CLI} is missing: run \`npm run build\` first`));
    return this.run(process.execPath, [CLI, ...args], options);
  }

  /** Runs any command to completion (bounded), with the same cleanup guarantees as start(). */
  run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
    this.checkNotAborted();
    return new Promise((ok, fail) => {
      const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
      this.children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => kill(child, 'SIGKILL'), options.timeoutMs ?? 30_000);
      child.once('error', (error) => {
        clearTimeout(timer);
        this.children.delete(child);
        fail(new Error(`cannot run ${command}: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        const name = command === process.execPath ? `argo-otel ${args[1] ?? ''}` : `${command} ${args[0] ?? ''}`;
        if (code === 0) ok({ stdout, stderr });
        else fail(new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
      });
    });
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
