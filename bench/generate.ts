// Manifest generation for 100 / 1,000 / 10,000 Deployments, beside (1) the bare parse of the same input with our
// parser (target: generate ≤ 1.3× parse), (2) the `yaml` library's own parse for reference, and (3) what a user
// would write instead: `kubectl kustomize` with commonAnnotations + one JSON6902 env patch (whole process).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { formatManifests } from '../cmp-plugin/cli.js';
import { generate, type ReadLineage } from '../cmp-plugin/generate.js';
import { readYamlStream } from '../cmp-plugin/render/yaml-reader.js';

const run = promisify(execFile);
const SIZES = [100, 1_000, 10_000];
// kustomize's targeted JSON6902 patch grows super-linearly (10,000 Deployments ran > 14 min here); cap each run.
const KUBECTL_BUDGET_MS = 90_000;
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const readLineage: ReadLineage = async () => ({
  lineage: { traceparent: TP, modelId: 'fraud-v7', commit: '4f2a9c1e', pipelineRunId: 'run-42', environment: 'prod' },
  sources: {},
  warnings: [],
});

function deployments(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-${i}
  namespace: ml
  labels: {app: model-${i}, tier: serving}
spec:
  replicas: 2
  selector:
    matchLabels: {app: model-${i}}
  template:
    metadata:
      labels: {app: model-${i}}
    spec:
      containers:
        - name: server
          image: example.com/model-server:1.4.${i % 10}
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
            - {name: metrics, containerPort: 9090}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: WORKERS, value: "4"}
            - {name: FEATURE_FLAGS, value: "a,b,c"}
`);
  }
  return docs.join('---\n');
}

const HEADER = [
  'Deployments',
  'input',
  'parse (ours)',
  'yaml toJS',
  'generate+json',
  '÷ parse',
  'generate+yaml',
  '÷ parse',
  'throughput',
  'CLI process',
  'kubectl kustomize',
  'kubectl ÷ CLI',
];
const WIDTHS = HEADER.map((h) => Math.max(h.length, 9));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(WIDTHS[i] ?? 0)).join('  ');
const printRow = (cells: string[]) => process.stdout.write(`${line(cells)}\n`);

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Minimum wall time of each function over `runs` interleaved rounds, after one warm-up round, in ms. */
async function interleaved(runs: number, fns: Array<() => Promise<unknown> | unknown>): Promise<number[]> {
  const min = fns.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round <= runs; round++) {
    for (const [i, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      if (round > 0) min[i] = Math.min(min[i] ?? Number.POSITIVE_INFINITY, performance.now() - t);
    }
  }
  return min;
}

/** Best (minimum) wall time of `runs` calls after one warm-up, in ms. */
async function best(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const ms = (v: number | undefined): string => (v === undefined ? 'n/a' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const ratio = (a: number | undefined, b: number): string => (a === undefined ? 'n/a' : `${(a / b).toFixed(2)}×`);

async function findKubectl(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

export default async function bench(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'argo-otel-bench-generate-'));
  const kubectl = await findKubectl();
  const cli = resolve(import.meta.dirname, '..', 'cli', 'main.js');
  const rows: string[][] = [];
  process.stdout.write(`${line(HEADER)}\n${line(WIDTHS.map((w) => '-'.repeat(w)))}\n`);
  try {
    for (const n of SIZES) {
      const runs = n >= 10_000 ? 3 : 5;
      const app = join(work, `app-${n}`);
      const kust = join(work, `kustomize-${n}`);
      const text = deployments(n);
      await mkdir(app, { recursive: true });
      await mkdir(kust, { recursive: true });
      await writeFile(join(app, 'deployments.yaml'), text);
      await writeFile(join(kust, 'deployments.yaml'), text);
      await writeFile(
        join(kust, 'kustomization.yaml'),
        `resources: [deployments.yaml]
commonAnnotations:
  argo-otel.io/traceparent: ${TP}
patches:
  - target: {kind: Deployment}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value: {name: MODEL_ID, value: fraud-v7}
`,
      );
      const bytes = Buffer.byteLength(text);

      const input = { appDir: app, env: { ARGOCD_APP_NAME: 'bench' } };
      // Interleaved, so load from other processes on a shared machine hits every variant alike; minimum of each.
      const [parse = 0, yamlLib = 0, genJson = 0, genYaml = 0] = await interleaved(runs, [
        () => readYamlStream(text, 'deployments.yaml'),
        () => parseAllDocuments(text).map((d) => d.toJS() as unknown),
        async () => formatManifests((await generate(input, { readLineage })).objects, 'json'),
        async () => formatManifests((await generate(input, { readLineage })).objects, 'yaml'),
      ]);
      const check = await generate(input, { readLineage });
      if (check.objects.length !== n || check.injected !== n) throw new Error(`bench input: expected ${n} injected objects`);

      // Whole processes: the same cost model as argocd-cmp-server exec'ing a command per generation.
      const env = { ...process.env, OTEL_TRACES_EXPORTER: 'none', ARGOCD_APP_NAME: 'bench', ARGOCD_ENV_TRACEPARENT: TP };
      const cliRuns = n >= 10_000 ? 1 : 3;
      const cliMs = existsSync(cli)
        ? await best(cliRuns, () => run(process.execPath, [cli, 'generate', '--output', 'json'], { cwd: app, env, maxBuffer: 1 << 30 }))
        : undefined;
      let kubectlText: string;
      let kubectlMs: number | undefined;
      if (!kubectl) kubectlText = 'no kubectl';
      else {
        try {
          // Warm-up included in best(); at 10,000 one timed run is all the budget allows.
          kubectlMs =
            n >= 10_000
              ? await timeOnce(() => run(kubectl, ['kustomize', kust], { maxBuffer: 1 << 30, timeout: KUBECTL_BUDGET_MS }))
              : await best(cliRuns, () => run(kubectl, ['kustomize', kust], { maxBuffer: 1 << 30, timeout: KUBECTL_BUDGET_MS }));
          kubectlText = ms(kubectlMs);
        } catch {
          kubectlText = `> ${KUBECTL_BUDGET_MS / 1000} s`;
        }
      }

      rows.push([
        n.toLocaleString('en-US'),
        `${(bytes / 1024 / 1024).toFixed(2)} MiB`,
        ms(parse),
        ms(yamlLib),
        ms(genJson),
        ratio(genJson, parse),
        ms(genYaml),
        ratio(genYaml, parse),
        `${Math.round(n / (genJson / 1000)).toLocaleString('en-US')}/s`,
        ms(cliMs),
        kubectlText,
        cliMs === undefined ? 'n/a' : kubectlMs === undefined ? `> ${ratio(KUBECTL_BUDGET_MS, cliMs)}` : ratio(kubectlMs, cliMs),
      ]);
      printRow(rows[rows.length - 1] ?? []);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(
    'parse (ours) = js-yaml 5 parser events + go-yaml v2 value rules (the baseline); yaml toJS = `yaml` library default (YAML 1.2, for reference);\n' +
      'generate = read files + parse + inject + RFC 6902 patches (in process); CLI/kubectl = whole process, best of runs.\n',
  );
}
