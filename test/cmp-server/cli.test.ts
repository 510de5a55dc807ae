// The built CLI (`node dist/cli/main.js cmp-server`) with the real generate: socket naming, manifests with
// injected lineage, HTTP side, and SIGTERM draining an in-flight call before the socket disappears.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CmpClient, tgzOfRepo } from './repo-stream-client.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/main.js');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export async function startCli(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const child = spawn(process.execPath, [CLI, 'cmp-server', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolveReady, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('listening on')) resolveReady();
    });
    void exited.then((code) => reject(new Error(`cmp-server exited with ${code} before listening:\n${stderr}`)));
  });
  return { child, stderr: () => stderr, exited };
}

describe('argo-otel cmp-server (built CLI)', () => {
  let base: string;
  let tgz: Buffer;
  let server: Awaited<ReturnType<typeof startCli>>;
  let port: number;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'cmp-cli-'));
    const repo = join(base, 'repo');
    await mkdir(join(repo, 'app'), { recursive: true });
    await writeFile(
      join(repo, 'app', 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n',
    );
    tgz = await tgzOfRepo(repo);
    await mkdir(join(base, 'plugins'));
    await mkdir(join(base, 'work'));
    server = await startCli(['--http-listen', '127.0.0.1:0'], {
      ARGOCD_PLUGINSOCKFILEPATH: join(base, 'plugins'),
      ARGOCD_CMP_WORKDIR: join(base, 'work'),
      OTEL_TRACES_EXPORTER: 'none',
    });
    port = Number(/http 127\.0\.0\.1:(\d+)/.exec(server.stderr())?.[1]);
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await rm(base, { recursive: true, force: true });
  });

  it('listens on <name>-<version>.sock and renders with the real generate', async () => {
    expect(await readdir(join(base, 'plugins'))).toEqual(['argo-otel-v1.sock']);
    const client = new CmpClient(join(base, 'plugins', 'argo-otel-v1.sock'));
    try {
      const res = await client.generate({ appRelPath: 'app', env: { ARGOCD_APP_NAME: 'web', ARGOCD_ENV_TRACEPARENT: TRACEPARENT, ARGOCD_ENV_MODEL_ID: 'resnet-7' }, tgz });
      expect(res.manifests).toHaveLength(1);
      const obj = JSON.parse(res.manifests[0]!) as { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } };
      expect(obj.metadata.annotations['argo-otel.io/traceparent']).toBe(TRACEPARENT);
      expect(obj.spec.template.spec.containers[0]!.env).toContainEqual({ name: 'MODEL_ID', value: 'resnet-7' });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('on SIGTERM finishes the in-flight call, then removes its socket and exits 0', async () => {
    const client = new CmpClient(join(base, 'plugins', 'argo-otel-v1.sock'));
    let signalled = false;
    const inFlight = client.generate({
      appRelPath: 'app',
      env: { ARGOCD_APP_NAME: 'web', ARGOCD_ENV_TRACEPARENT: TRACEPARENT },
      tgz,
      beforeEnd: async () => {
        // SIGTERM only once the server has the call: its in-flight gauge says so.
        for (let i = 0; i < 500; i++) {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          if (/^cmp_inflight\{method="GenerateManifest"\} 1$/m.test(text)) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        server.child.kill('SIGTERM');
        signalled = true;
        // Give the server time to see the signal before the stream completes.
        while (!server.stderr().includes('draining')) await new Promise((r) => setTimeout(r, 20));
      },
    });
    const res = await inFlight;
    expect(signalled).toBe(true);
    expect(res.manifests).toHaveLength(1);
    expect(await server.exited).toBe(0);
    client.close();
    expect(await readdir(join(base, 'plugins'))).toEqual([]);
  });
});
