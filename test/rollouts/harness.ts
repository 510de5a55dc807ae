// Runs the Go conformance harness (.cache/bin/rollouts-host, real argo-rollouts v1.9.1 host code) against a plugin
// and returns its one JSON result. Also starts the TypeScript sidecar for the launcher mode. Nothing here builds:
// test/setup.d/rollouts-host.sh, test/setup.d/launcher.sh and `npm run build` do; a missing piece fails loudly.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repo root, found by walking up, so this works from test/ sources and from the compiled dist/ bench alike. */
export const REPO = findRepo(fileURLToPath(new URL('.', import.meta.url)));

function findRepo(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test/setup.sh')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no argo-otel repo root above ${from}`);
  }
}
export const HOST = join(REPO, '.cache/bin/rollouts-host');
export const GO_PLUGIN = join(REPO, '.cache/bin/rollouts-go-plugin');
export const LAUNCHER = join(REPO, '.cache/bin/argo-otel-launcher');
export const TS_PLUGIN = join(REPO, 'rollouts-metric-plugin/bin/argo-otel-rollouts-plugin');
const DIST_CLI = join(REPO, 'dist/cli/main.js');
const DIST_PLUGIN_CLI = join(REPO, 'dist/rollouts-metric-plugin/cli.js');

/** What one harness scenario printed (see test/go/rollouts-host/scenarios.go). */
export interface HostResult {
  scenario: string;
  ok: boolean;
  problems: string[];
  pid?: number;
  addr?: string;
  data: Record<string, unknown>;
  hostWarnings: string[] | null;
  pluginLogLines: number;
  /** Plugin stderr lines go-plugin could not parse as hclog JSON. */
  rawPluginLogLines: string[];
}

export interface Measurement {
  phase: string;
  message: string;
  value: string;
  metadata: Record<string, string> | null;
  startedAt: string | null;
  finishedAt: string | null;
  resumeAt: string | null;
  messageBytes: number;
}

/** A plugin as the ConfigMap names it: `location` plus `args`. */
export interface PluginTarget {
  name: string;
  plugin: string;
  args: string[];
}

export interface HarnessRun {
  result: HostResult;
  code: number | null;
  stderr: string;
}

function need(path: string, hint: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}

export function requireHarness(): void {
  need(HOST, 'run `bash test/setup.sh` (test/setup.d/rollouts-host.sh builds it)');
  need(GO_PLUGIN, 'run `bash test/setup.sh` (test/setup.d/rollouts-host.sh builds it)');
}

export function requireTsPlugin(): void {
  need(TS_PLUGIN, 'the TypeScript plugin entry script is not in the repo');
  need(DIST_PLUGIN_CLI, 'run `npx tsc -p tsconfig.json` (npm run build) first');
}

export function requireLauncher(): void {
  need(LAUNCHER, 'run `bash test/setup.sh` (test/setup.d/launcher.sh builds it)');
}

/** Runs one scenario to completion; `timeoutMs` bounds it so a hung plugin fails the test instead of stalling it. */
export async function host(scenario: string, target: PluginTarget, flags: string[] = [], timeoutMs = 60_000): Promise<HarnessRun> {
  const child = spawn(HOST, [scenario, '--plugin', target.plugin, ...target.args.flatMap((a) => ['--arg', a]), ...flags], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (c) => ok(c));
  }).finally(() => clearTimeout(timer));
  const line = stdout.trim().split('\n').pop() ?? '';
  let result: HostResult;
  try {
    result = JSON.parse(line) as HostResult;
  } catch {
    throw new Error(`rollouts-host ${scenario} (${target.name}) printed no JSON (exit ${code}).\nstdout: ${stdout}\nstderr tail:\n${stderr.slice(-4000)}`);
  }
  return { result, code, stderr };
}

/** Like host() but fails with the harness's problems and the tail of go-plugin's log when the scenario failed. */
export async function hostOk(scenario: string, target: PluginTarget, flags: string[] = [], timeoutMs?: number): Promise<HostResult> {
  const run = await host(scenario, target, flags, timeoutMs);
  if (!run.result.ok || run.code !== 0) {
    throw new Error(
      `rollouts-host ${scenario} against ${target.name} failed (exit ${run.code}): ${JSON.stringify(run.result.problems)}\n` +
        `data: ${JSON.stringify(run.result.data).slice(0, 2000)}\nstderr tail:\n${run.stderr.slice(-4000)}`,
    );
  }
  return run.result;
}

export function measurement(result: HostResult, key = 'measurement'): Measurement {
  const m = result.data[key];
  if (!m || typeof m !== 'object') throw new Error(`result has no ${key}: ${JSON.stringify(result.data).slice(0, 500)}`);
  return m as Measurement;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The TypeScript sidecar (`argo-otel rollouts-sidecar --listen unix:…`), plus the launcher target that reaches it. */
export interface Sidecar {
  process: ChildProcess;
  socket: string;
  target: PluginTarget;
  stderr: () => string;
  stop: () => Promise<void>;
}

export async function startSidecar(): Promise<Sidecar> {
  requireTsPlugin();
  requireLauncher();
  const dir = mkdtempSync(join(tmpdir(), 'argo-otel-sidecar-'));
  const socket = join(dir, 'plugin.sock');
  // Prefer the lead's single CLI entry; until rollouts-sidecar is wired there, run the same command object directly.
  const viaMain = existsSync(DIST_CLI) && (await cliHas('rollouts-sidecar'));
  const argv = viaMain
    ? [DIST_CLI, 'rollouts-sidecar', '--listen', `unix:${socket}`]
    : ['--input-type=module', '-e',
        `const m = await import(${JSON.stringify(DIST_PLUGIN_CLI)}); await m.rolloutsSidecarCommand().parseAsync(process.argv.slice(1), { from: 'user' });`,
        '--', '--listen', `unix:${socket}`];
  const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 100 && !existsSync(socket); i++) {
    if (exited) break;
    await sleep(100);
  }
  if (!existsSync(socket)) {
    child.kill('SIGKILL');
    throw new Error(`sidecar did not listen on ${socket} (exited: ${exited}); stderr:\n${stderr.slice(-4000)}`);
  }
  return {
    process: child,
    socket,
    target: { name: 'ts-sidecar', plugin: LAUNCHER, args: [`unix:${socket}`] },
    stderr: () => stderr,
    stop: async () => {
      if (!exited) {
        const done = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await Promise.race([done, sleep(15_000)]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function cliHas(command: string): Promise<boolean> {
  const child = spawn(process.execPath, [DIST_CLI, '--help'], { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise((ok) => child.on('close', ok));
  return out.includes(command);
}

export const standaloneTarget: PluginTarget = { name: 'ts-standalone', plugin: TS_PLUGIN, args: [] };
export const goTarget: PluginTarget = { name: 'go-baseline', plugin: GO_PLUGIN, args: [] };
