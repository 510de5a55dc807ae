// Runs the built demo (`node dist/cli/main.js demo`) as a user would and checks what it promises: every span of the
// thread with its parent and links, the skip lines when a peer is absent, a non-zero exit when a step fails, and
// nothing left behind (temp dir, child processes) after success, failure and Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTree, type PrintedSpan } from './tree.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/main.js');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: Record<string, string>, options: { interruptAfter?: RegExp } = {}): Promise<DemoRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, 'demo'], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (options.interruptAfter && !interrupted && options.interruptAfter.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

/** The demo's temp dir, from step 1. */
function demoDir(stdout: string): string {
  const m = /work dir: +(\S+) \(removed at exit\)/.exec(stdout);
  if (!m?.[1]) throw new Error(`no work dir line in:\n${stdout}`);
  return m[1];
}

/** Live processes whose command line or environment mentions `text` (only our own are readable). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const seen = readFileSync(`/proc/${pid}/cmdline`, 'utf8') + readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (seen.includes(text)) found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

function pipelineIds(stdout: string): { traceId: string; spanId: string } {
  const m = /pipeline traceparent: +00-([0-9a-f]{32})-([0-9a-f]{16})-01/.exec(stdout);
  if (!m) throw new Error(`no pipeline traceparent in:\n${stdout}`);
  return { traceId: m[1] as string, spanId: m[2] as string };
}

function treeOf(stdout: string): PrintedSpan[] {
  const start = stdout.indexOf('== 8.');
  expect(start, stdout).toBeGreaterThan(0);
  return parseTree(stdout.slice(start));
}

function one(spans: PrintedSpan[], name: string, kind: string): PrintedSpan {
  const matching = spans.filter((s) => s.name === name && s.kind === kind);
  expect(matching.map((s) => s.line), `exactly one ${name} [${kind}]`).toHaveLength(1);
  return matching[0] as PrintedSpan;
}

/** Every link the thread promises points at the pipeline's RUN span, by ids and by name. */
function expectLinkedToRun(span: PrintedSpan, run: { traceId: string; spanId: string }): void {
  expect(span.links, span.line).toContainEqual({ traceId: run.traceId, spanId: run.spanId, target: 'RUN train-and-deploy' });
}

function expectThread(stdout: string): PrintedSpan[] {
  const run = pipelineIds(stdout);
  const spans = treeOf(stdout);
  const root = one(spans, 'RUN train-and-deploy', 'SERVER');
  expect(root.traceId).toBe(run.traceId);
  expect(root.parent).toBeUndefined();
  expect(one(spans, 'train model', 'INTERNAL').parent).toBe(root);

  const modeA = one(spans, 'generate checkout-model', 'INTERNAL');
  expect(modeA.parent).toBeUndefined();
  expect(modeA.traceId).not.toBe(run.traceId);
  expectLinkedToRun(modeA, run);

  const modeB = one(spans, 'generate checkout-model', 'SERVER');
  expect(modeB.parent?.name).toBe('plugin.ConfigManagementPluginService/GenerateManifest');
  expect(modeB.parent?.kind).toBe('CLIENT');
  expectLinkedToRun(modeB, run);

  expectLinkedToRun(one(spans, 'SYNC checkout-model', 'SERVER'), run);
  return spans;
}

function expectCleanedUp(result: DemoRun): void {
  const dir = demoDir(result.stdout);
  expect(existsSync(dir), `${dir} left behind`).toBe(false);
  expect(processesMentioning(dir), 'children still running').toEqual([]);
}

describe('npm run demo', () => {
  it('without Prometheus (and with an http_proxy in the shell): the thread but the canary analysis, a skip line saying how to get it, the fixed provider over go-plugin', async () => {
    // grpc-js would route the loopback OTLP exports through this (dead) proxy unless the demo exempts them.
    const deadProxy = 'http://127.0.0.1:1';
    const result = await runDemo({ ARGO_OTEL_DEMO_PROMETHEUS: 'off', http_proxy: deadProxy, https_proxy: deadProxy });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const spans = expectThread(result.stdout);
    expect(spans.filter((s) => s.name.startsWith('canary.analysis'))).toEqual([]);
    expect(result.stdout).toMatch(/skipped: canary judge on real Prometheus — `apt-get install prometheus` \(or `npm test`/);
    expect(result.stdout).toMatch(/phase: +Successful\n +message: +fixed answer/);
    expect(result.stdout).toMatch(/lineage from: .*traceparent←commit-trailers/);
    expectCleanedUp(result);
  });

  it('with every peer: the Kustomize variant, the real go-plugin host, and a judged canary whose analysis span links to the deployment trace', async () => {
    const prometheus = (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, 'prometheus')));
    expect(prometheus, 'prometheus must be on PATH (test/setup.d/prometheus.sh installs it)').toBe(true);
    for (const tool of ['kustomize', 'rollouts-host']) {
      expect(existsSync(join(REPO, '.cache/bin', tool)), `.cache/bin/${tool} missing: run bash test/setup.sh`).toBe(true);
    }
    const result = await runDemo({});
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const spans = expectThread(result.stdout);
    const kustomized = one(spans, 'generate checkout-model-kustomize', 'INTERNAL');
    expectLinkedToRun(kustomized, pipelineIds(result.stdout));
    expect(result.stdout).toMatch(/image ghcr\.io\/example\/checkout-model:1\.4\.0, argo-otel\.io\/traceparent = 00-\w+-\w+-01 \(lineage from commit-trailers\)/);
    expect(result.stdout).toMatch(/real go-plugin host: .*Run → Successful/);
    const analysis = one(spans, 'canary.analysis', 'INTERNAL');
    expectLinkedToRun(analysis, pipelineIds(result.stdout));
    expect(result.stdout).toMatch(/phase: +Successful\n +message: +Successful: score 100/);
    // The thread reaches the requests: each pod's resource is what the CMP injected into its template.
    const served = [...result.stdout.matchAll(/^GET \/predict in trace ([0-9a-f]{32}) was served by pod (\S+): ml\.model\.id=(\S+), cicd\.pipeline\.run\.id=(\S+)$/gm)];
    expect(served.map((m) => [m[3], m[4]]).sort()).toEqual([['checkout-ranker:2026-11-24.3', '1790'], ['checkout-ranker:2026-12-01.1', '1842']]);
    for (const m of served) expect(spans.some((x) => x.traceId === m[1] && x.name === 'GET /predict' && x.kind === 'SERVER'), m[0]).toBe(true);
    expect(result.stdout).toContain(`analysis.trace_id:`);
    expect(result.stdout).toMatch(new RegExp(`analysis\\.trace_id: +${analysis.traceId}`));
    const prom = /prometheus: +(http:\/\/127\.0\.0\.1:\d+) /.exec(result.stdout)?.[1];
    expect(prom, 'prometheus line').toBeDefined();
    await expect(fetch(`${prom}/-/ready`)).rejects.toThrow();
    expectCleanedUp(result);
  });

  it('a step that fails makes the demo exit non-zero, naming the step, and still cleans up', async () => {
    // A kustomize that edits (the pipeline step) but cannot build (the CMP step): step 4 must fail, naming it.
    const kustomize = join(REPO, '.cache/bin/kustomize');
    expect(existsSync(kustomize), '.cache/bin/kustomize missing: run bash test/setup.sh').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'argo-otel-demo-test-'));
    const broken = join(dir, 'kustomize');
    writeFileSync(broken, `#!/bin/sh\n[ "$1" = edit ] && exec ${kustomize} "$@"\necho "kustomize: build is broken on purpose" >&2\nexit 3\n`, { mode: 0o755 });
    const result = await runDemo({ ARGO_OTEL_DEMO_PROMETHEUS: 'off', ARGO_OTEL_KUSTOMIZE_PATH: broken }).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/== 4\. CMP mode \(a\)[^]*\ndemo failed: argo-otel generate failed \(exit 1\):\nargo-otel generate: error: .*build is broken on purpose/);
    expect(result.stdout).not.toContain('== 8.');
    expectCleanedUp(result);
  });

  it('Ctrl-C while the cmp-server runs stops the children and removes the temp dir', async () => {
    const result = await runDemo({ ARGO_OTEL_DEMO_PROMETHEUS: 'off' }, { interruptAfter: /plugin socket: / });
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('SIGINT: stopping the demo and cleaning up');
    expectCleanedUp(result);
  });
});
