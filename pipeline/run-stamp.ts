// The I/O edge of `stamp`: checks the app dir, reads the current lineage file, writes the new one atomically,
// optionally commits, and reports. Decisions are made by planStamp.
import { realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseLineageFile, type LineageFileContent } from '../lineage/file.js';
import { readTextIfExists, writeFileAtomic } from '../lineage/file-io.js';
import { LINEAGE_FILE, PipelineEnv } from '../lineage/names.js';
import type { RandomBytes } from '../lineage/traceparent.js';
import { commitWithTrailers, gitWorkTree } from './git-commit.js';
import { planStamp, StampError, type StampPlan, type StampRequest } from './stamp.js';

export interface StampOptions extends StampRequest {
  appDir: string;
  /** Run git add + git commit with trailers (`--commit`). */
  gitCommit?: boolean;
  /** Commit subject (needs `gitCommit`). */
  message?: string;
  /** Print `TRACEPARENT=…` (and `TRACESTATE=…`) instead of the bare traceparent. */
  printEnv?: boolean;
}

export interface StampDeps {
  env: Readonly<Record<string, string | undefined>>;
  random: RandomBytes;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface StampOutcome {
  plan: StampPlan;
  file: string;
  /** The new commit, with `gitCommit`. */
  commit?: string;
}

async function requireDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    throw new StampError(
      err.code === 'ENOENT' ? `--app-dir ${dir} does not exist` : `--app-dir ${dir} cannot be read: ${err.message}`,
    );
  });
  if (!info.isDirectory()) throw new StampError(`--app-dir ${dir} is not a directory`);
}

async function readCurrent(file: string, shown: string): Promise<LineageFileContent | undefined> {
  const text = await readTextIfExists(file).catch((err: Error) => {
    throw new StampError(`${shown} cannot be read: ${err.message}`);
  });
  if (text === undefined) return undefined;
  const parsed = parseLineageFile(text);
  // Never overwrite a file we cannot read back: whatever is in it would be lost.
  if (!parsed.ok) throw new StampError(`${shown} ${parsed.problem}; fix or remove it, then stamp again`);
  if (parsed.value.problems.length > 0) throw new StampError(`${shown}: ${parsed.value.problems.join('; ')}`);
  return parsed.value;
}

export async function runStamp(options: StampOptions, deps: StampDeps): Promise<StampOutcome> {
  if (options.message !== undefined && !options.gitCommit) throw new StampError('--message needs --commit');
  const appDir = resolve(options.appDir);
  await requireDirectory(appDir);
  const file = join(appDir, LINEAGE_FILE);
  const fromCwd = relative(process.cwd(), file);
  const shown = fromCwd.startsWith('..') || fromCwd === '' ? file : fromCwd;

  const current = await readCurrent(file, shown);
  const plan = planStamp({ request: options, env: deps.env, current, random: deps.random });
  // Check the repository before writing anything, so a failing --commit leaves the checkout untouched.
  const workTree = options.gitCommit ? await gitWorkTree(appDir) : undefined;

  for (const notice of plan.notices) deps.stderr(`argo-otel stamp: ${notice}\n`);
  await writeFileAtomic(file, plan.fileText).catch((err: Error) => {
    throw new StampError(`cannot write ${shown}: ${err.message}`);
  });
  const changed = plan.changed.length === 0 ? 'unchanged' : `changed ${plan.changed.join(', ')}`;
  deps.stderr(`argo-otel stamp: wrote ${shown} (${changed}; traceparent from ${plan.traceparentOrigin})\n`);

  let commit: string | undefined;
  if (workTree !== undefined) {
    // git prints the real path of the work tree; compare it with the real path of the app dir.
    const subject = options.message ?? `Stamp lineage for ${relative(workTree, await realpath(appDir)) || '.'}`;
    commit = await commitWithTrailers({ workTree, file, subject, trailers: plan.trailers }).catch((err: Error) => {
      throw new StampError(`${err.message} (${shown} was written but not committed)`);
    });
    deps.stderr(`argo-otel stamp: committed ${commit}\n`);
  }

  if (options.printEnv) {
    deps.stdout(`${PipelineEnv.traceparent}=${plan.traceparent}\n`);
    if (plan.lineage.tracestate !== undefined) deps.stdout(`${PipelineEnv.tracestate}=${plan.lineage.tracestate}\n`);
  } else {
    deps.stdout(`${plan.traceparent}\n`);
  }
  return { plan, file, ...(commit === undefined ? {} : { commit }) };
}
