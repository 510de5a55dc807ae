// GenerateManifest latency over the real CMP stream (built CLI `cmp-server` on a unix socket, repo streamed
// like the repo-server: tgz, sha256, 1024-byte chunks) beside the same app through `generate` as a process per
// request (mode a, what argocd-cmp-server does), and the same server unpacking every request (`--unpack always`).
// Prints p50/p99 and the speed-up; asserts nothing.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CmpClient, tgzOfRepo } from '../test/cmp-server/repo-stream-client.js';

const execFileAsync = promisify(execFile);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repo root (package.json)');
    dir = up;
  }
  return dir;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function writeApp(dir: string, resources: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const perFile = 10;
  for (let f = 0; f * perFile < resources; f++) {
    const docs: string[] = [];
    for (let i = f * perFile; i < Math.min(resources, (f + 1) * perFile); i++) {
      docs.push(
        i % 2 === 0
          ? `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web-${i}}\n  template:\n    metadata:\n      labels: {app: web-${i}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports: [{containerPort: 80}]\n`
          : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i}\ndata:\n  key: value-${i}\n`,
      );
    }
    await writeFile(join(dir, `res-${String(f).padStart(4, '0')}.yaml`), docs.join('---\n'));
  }
}

// argo-cd's own client code (the Go harness test/setup builds): the repo-server's whole sequence per call, i.e.
// the plugin probe, CheckPluginConfiguration, building the archive (cmp.SendRepoStream) and the reply.
async function goClientRows(root: string, base: string, sizes: readonly number[], env: Record<string, string>): Promise<string> {
  const harness = join(root, '.cache', 'bin', 'argocd-cmp-harness');
  if (!existsSync(harness)) return `argo-cd Go client: ${harness} missing (run test/setup.sh); not measured\n`;
  const out = ['', 'argo-cd Go client (repo-server sequence, archive built per call) | p50 ms | p99 ms | runs'];
  for (const n of sizes) {
    const extra = Object.entries(env)
      .filter(([k]) => k.startsWith('ARGOCD_ENV_'))
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    const { stdout } = await execFileAsync(
      harness,
      ['run', '-repo', join(base, `repo-${n}`), '-apps', 'app', '-scenarios', 'latency', '-runs', n >= 1000 ? '20' : '60', '-env', extra],
      { env: { ...process.env, ARGOCD_PLUGINSOCKFILEPATH: join(base, 'plugins') }, maxBuffer: 64 * 1024 * 1024 },
    );
    const line = stdout.split('\n').find((l) => l.includes('"latency"'));
    const res = line ? (JSON.parse(line) as { ok: boolean; error?: string; details?: { p50Ms: number; p99Ms: number; runs: number; manifests: number } }) : undefined;
    if (!res?.ok || !res.details) throw new Error(`argo-cd Go client failed at ${n} resources: ${res?.error ?? stdout}`);
    if (res.details.manifests !== n) throw new Error(`argo-cd Go client got ${res.details.manifests} manifests, expected ${n}`);
    out.push(`${String(n).padStart(9)} resources | ${res.details.p50Ms.toFixed(1)} | ${res.details.p99Ms.toFixed(1)} | ${res.details.runs}`);
  }
  return out.join('\n') + '\n';
}

export default async function bench(): Promise<void> {
  const root = repoRoot();
  const cli = join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} missing: npm run build first`);
  const base = await mkdtemp(join(tmpdir(), 'bench-cmp-server-'));
  const sizes = [10, 100, 1000];
  const env = { ARGOCD_APP_NAME: 'bench', ARGOCD_APP_NAMESPACE: 'default', ARGOCD_ENV_TRACEPARENT: TRACEPARENT, ARGOCD_ENV_MODEL_ID: 'm-1' };
  await mkdir(join(base, 'plugins'));
  await mkdir(join(base, 'work'));
  // The default server reads plain-directory apps in place; the second unpacks every request, as argocd-cmp-server.
  const start = (version: string, extra: string[]) =>
    spawn(process.execPath, [cli, 'cmp-server', '--plugin-version', version, ...extra], {
      env: { ...process.env, ARGOCD_PLUGINSOCKFILEPATH: join(base, 'plugins'), ARGOCD_CMP_WORKDIR: join(base, 'work'), OTEL_TRACES_EXPORTER: 'none' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const children = [start('v1', []), start('unpack', ['--unpack', 'always'])];
  try {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            let err = '';
            child.stderr!.on('data', (c: Buffer) => {
              err += c.toString();
              if (err.includes('listening on')) resolve();
            });
            child.once('exit', (code) => reject(new Error(`cmp-server exited ${code}: ${err}`)));
          }),
      ),
    );
    const client = new CmpClient(join(base, 'plugins', 'argo-otel-v1.sock'));
    const unpacking = new CmpClient(join(base, 'plugins', 'argo-otel-unpack.sock'));
    const rows: string[] = [];
    rows.push('resources | server p50 ms | server p99 ms | unpack-always p50 ms | process p50 ms | process p99 ms | p50 speed-up');
    rows.push('--------- | ------------ | ------------ | -------------------- | ------------- | ------------- | ------------');
    for (const n of sizes) {
      const repo = join(base, `repo-${n}`);
      await writeApp(join(repo, 'app'), n);
      const serverRuns = n >= 1000 ? 20 : 60;
      const processRuns = n >= 1000 ? 5 : 10;
      const server: number[] = [];
      const unpacked: number[] = [];
      for (let i = 0; i < serverRuns + 3; i++) {
        // The archive is built per request, as the repo-server does, but outside the measured server time.
        const tgz = await tgzOfRepo(repo);
        // Alternating, so load from elsewhere hits both servers alike.
        for (const [c, times] of [[client, server], [unpacking, unpacked]] as const) {
          const t0 = performance.now();
          const res = await c.generate({ appRelPath: 'app', env, tgz });
          if (res.manifests.length !== n) throw new Error(`server returned ${res.manifests.length} manifests, expected ${n}`);
          if (i >= 3) times.push(performance.now() - t0);
        }
      }
      const proc: number[] = [];
      for (let i = 0; i < processRuns + 1; i++) {
        const t0 = performance.now();
        const { stdout } = await execFileAsync(process.execPath, [cli, 'generate', '--output', 'json'], {
          cwd: join(repo, 'app'),
          env: { ...process.env, ...env, OTEL_TRACES_EXPORTER: 'none' },
          maxBuffer: 256 * 1024 * 1024,
        });
        if (stdout.length === 0) throw new Error('generate printed nothing');
        if (i >= 1) proc.push(performance.now() - t0);
      }
      server.sort((a, b) => a - b);
      unpacked.sort((a, b) => a - b);
      proc.sort((a, b) => a - b);
      const s50 = percentile(server, 50);
      const p50 = percentile(proc, 50);
      rows.push(
        `${String(n).padStart(9)} | ${s50.toFixed(1).padStart(12)} | ${percentile(server, 99).toFixed(1).padStart(12)} | ${percentile(unpacked, 50).toFixed(1).padStart(20)} | ${p50.toFixed(1).padStart(13)} | ${percentile(proc, 99).toFixed(1).padStart(13)} | ${(p50 / s50).toFixed(1).padStart(11)}x`,
      );
    }
    client.close();
    unpacking.close();
    process.stdout.write(rows.join('\n') + '\n');
    process.stdout.write(await goClientRows(root, base, sizes, env));
    process.stdout.write('targets: p50 <= 15 ms at 100 resources in server mode; >= 10x faster than a process per request\n');
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(base, { recursive: true, force: true });
  }
}
