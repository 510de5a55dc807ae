// External renderers (kustomize, helm): found via an explicit path variable or PATH, run without a shell and with
// the caller's abort signal, so Argo CD's deadline stops them.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { GenerateError } from '../types.js';
import type { Env } from './parameters.js';

export interface ToolRun {
  command: string;
  args: string[];
  cwd: string;
  env: Env;
  signal?: AbortSignal;
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

export type RunTool = (run: ToolRun) => Promise<ToolOutput>;
export type FindExecutable = (name: string, env: Env) => Promise<string | undefined>;

/** Ample for any manifest set; a runaway tool still cannot fill memory. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export const runTool: RunTool = (run) =>
  new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(run.env)) if (v !== undefined) env[k] = v;
    execFile(
      run.command,
      run.args,
      { cwd: run.cwd, env, signal: run.signal, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const argv = [run.command, ...run.args].join(' ');
        const code = (error as NodeJS.ErrnoException).code;
        let reason: string;
        if (code === 'ENOENT') reason = `${run.command} not found`;
        else if (error.name === 'AbortError') reason = `\`${argv}\` was aborted (deadline passed)`;
        else reason = `\`${argv}\` failed (${describeExit(error)}): ${stderr.trim() || error.message}`;
        reject(new GenerateError(reason, { file: run.cwd, reason }));
      },
    );
  });

function describeExit(error: Error & { code?: unknown; signal?: unknown }): string {
  if (typeof error.code === 'number') return `exit status ${error.code}`;
  if (typeof error.signal === 'string') return `killed by ${error.signal}`;
  return String(error.code ?? 'error');
}

export const findExecutable: FindExecutable = async (name, env) => {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
};

/** An explicit `<VAR>` path wins (and must work); otherwise the first of `names` on PATH. */
export async function locateTool(
  options: { pathVariable: string; names: string[]; install: string },
  env: Env,
  find: FindExecutable,
): Promise<string> {
  const explicit = env[options.pathVariable];
  if (explicit !== undefined && explicit !== '') return explicit;
  for (const name of options.names) {
    const found = await find(name, env);
    if (found) return found;
  }
  const reason = `${options.names.join(' or ')} not found on PATH; ${options.install}, or set ${options.pathVariable} to its path`;
  throw new GenerateError(reason, { reason });
}
