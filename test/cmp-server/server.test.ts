// The CMP server over its real unix socket, driven by the TypeScript repo-server stand-in: streaming, errors,
// deadlines, concurrency, discovery, parameters, trace context, metrics and draining.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCED_PARAMETERS } from '../../cmp-plugin/server/parameters.js';
import { DEFAULT_EXTRACT_LIMITS } from '../../cmp-plugin/server/safe-extract.js';
import { startCmpServer, type RunningCmpServer } from '../../cmp-plugin/server/server.js';
import type { GenerationEvent } from '../../cmp-plugin/server/service.js';
import { fakeGenerate, type FakeGenerateLog } from './fake-generate.js';
import { snapshot } from './fs-snapshot.js';
import { maliciousCorpus } from './malicious-corpus.js';
import { CmpClient, tgzOfRepo } from './repo-stream-client.js';

const MAX_ENTRIES = 2_000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function makeRepo(base: string): Promise<string> {
  const repo = join(base, 'repo');
  await mkdir(join(repo, 'guestbook', 'nested'), { recursive: true });
  await mkdir(join(repo, 'broken'), { recursive: true });
  await mkdir(join(repo, '.git', 'refs'), { recursive: true });
  await writeFile(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(repo, 'guestbook', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n');
  await writeFile(join(repo, 'guestbook', 'nested', 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
  await writeFile(join(repo, 'guestbook', 'Chart.yaml'), 'apiVersion: v2\nkind: Chart\nmetadata:\n  name: chart\n');
  await writeFile(join(repo, 'broken', 'bad.yaml'), 'a: b: c\n');
  return repo;
}

function httpGet(port: number, path: string, method = 'GET', body?: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('cmp-server over its unix socket', () => {
  let base: string;
  let repo: string;
  let server: RunningCmpServer;
  let discoveryServer: RunningCmpServer;
  let client: CmpClient;
  let discoveryClient: CmpClient;
  let tgz: Buffer;
  const log: FakeGenerateLog = { inputs: [], aborted: 0 };
  const generations: GenerationEvent[] = [];
  const webhookBodies: string[] = [];

  const common = {
    generate: fakeGenerate(log),
    parameters: ANNOUNCED_PARAMETERS,
    maxCompressedBytes: 8 * 1024 * 1024,
    extractLimits: { ...DEFAULT_EXTRACT_LIMITS, maxEntries: MAX_ENTRIES },
    preserveFileMode: false,
    gitPolicy: 'auto' as const,
    deadlineMarginMs: 300,
    applicationVersion: 'test',
    maxMessageBytes: 100 * 1024 * 1024,
  };

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'cmp-server-test-'));
    repo = await makeRepo(base);
    tgz = await tgzOfRepo(repo);
    await mkdir(join(base, 'plugins'));
    await mkdir(join(base, 'work'));
    await mkdir(join(base, 'victim'));
    server = await startCmpServer({
      ...common,
      socketPath: join(base, 'plugins', 'argo-otel-v1.sock'),
      workDir: join(base, 'work'),
      httpListen: '127.0.0.1:0',
      onGeneration: (e) => generations.push(e),
      syncWebhook: (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          webhookBodies.push(body);
          res.writeHead(202).end();
        });
      },
    });
    discoveryServer = await startCmpServer({
      ...common,
      socketPath: join(base, 'plugins', 'argo-otel-discovery.sock'),
      workDir: join(base, 'work'),
      discoveryGlob: '**/Chart.yaml',
    });
    client = new CmpClient(server.socketPath);
    discoveryClient = new CmpClient(discoveryServer.socketPath);
  });

  afterAll(async () => {
    client?.close();
    discoveryClient?.close();
    await server?.close(1_000);
    await discoveryServer?.close(1_000);
    await rm(base, { recursive: true, force: true });
  });

  it('generates one JSON string per object from the streamed repo, with the request env', async () => {
    const before = log.inputs.length;
    const res = await client.generate({ appRelPath: 'guestbook', env: { ARGOCD_APP_NAME: 'guestbook', ARGOCD_ENV_TRACEPARENT: TRACEPARENT }, tgz });
    const objects = res.manifests.map((m) => JSON.parse(m) as { kind: string; metadata: { name: string; annotations: Record<string, string> } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Chart/chart', 'ConfigMap/a', 'ConfigMap/b', 'Deployment/web']);
    expect(objects[0]!.metadata.annotations['argo-otel.io/app']).toBe('guestbook');
    const input = log.inputs[before]!;
    expect(input.appDir).toBe(join(input.repoRoot!, 'guestbook'));
    expect(input.env['ARGOCD_ENV_TRACEPARENT']).toBe(TRACEPARENT);
  });

  it('unpacks .git only when the request carries no traceparent (commit trailers needed)', async () => {
    const seen: string[][] = [];
    const gen = fakeGenerate();
    const probe = await startCmpServer({
      ...common,
      socketPath: join(base, 'plugins', 'git-probe.sock'),
      workDir: join(base, 'work'),
      generate: async (input) => {
        seen.push((await readdir(input.repoRoot!)).sort());
        return gen(input);
      },
    });
    const c = new CmpClient(probe.socketPath);
    try {
      await c.generate({ appRelPath: 'guestbook', env: { PARAM_TRACEPARENT: TRACEPARENT }, tgz });
      await c.generate({ appRelPath: 'guestbook', env: {}, tgz });
    } finally {
      c.close();
      await probe.close(1_000);
    }
    expect(seen).toEqual([
      ['broken', 'guestbook'],
      ['.git', 'broken', 'guestbook'],
    ]);
  });

  it('leaves no workdir behind after success or failure', async () => {
    await client.generate({ appRelPath: 'guestbook', env: {}, tgz });
    await client.generate({ appRelPath: 'broken', env: {}, tgz }).catch(() => undefined);
    const roots = await readdir(join(base, 'work'));
    for (const r of roots) expect(await readdir(join(base, 'work', r))).toEqual([]);
  });

  it('names the file, line and reason when generate fails, as gRPC UNKNOWN', async () => {
    const err = await client.generate({ appRelPath: 'broken', env: {}, tgz }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNKNOWN, details: 'error generating manifests: bad.yaml:3: mapping values are not allowed here' });
  });

  it('rejects a checksum mismatch after reading the whole stream', async () => {
    const err = await client.generate({ appRelPath: 'guestbook', env: {}, tgz, checksum: 'deadbeef' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNKNOWN });
    expect((err as Error).message).toMatch(/generate manifest error receiving stream: .*file checksum validation error/);
  });

  it('rejects a truncated stream', async () => {
    const sha = (await import('node:crypto')).createHash('sha256').update(tgz).digest('hex');
    const err = await client.generate({ appRelPath: 'guestbook', env: {}, tgz, checksum: sha, truncateAt: Math.floor(tgz.length / 2) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/file checksum validation error/);
  });

  it('rejects a stream without metadata', async () => {
    const err = await client.generate({ appRelPath: 'guestbook', env: {}, tgz, omitMetadata: true }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/error getting stream metadata: metadata is nil/);
  });

  it('rejects an appRelPath that leaves the workdir', async () => {
    const err = await client.generate({ appRelPath: '../../..', env: {}, tgz }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/illegal appPath: out of workDir bound/);
  });

  it('stops generate at the deadline minus the margin and says so', async () => {
    const aborted = log.aborted;
    const err = await client.generate({ appRelPath: 'guestbook', env: { HANG: 'true' }, tgz, deadline: new Date(Date.now() + 2_000) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/context deadline exceeded/i);
    expect(log.aborted).toBe(aborted + 1);
  });

  it('serves 50 concurrent generations, good and bad, each with its own answer', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => {
      const kind = i % 5;
      if (kind === 3) return client.generate({ appRelPath: 'guestbook', env: {}, tgz, checksum: 'bad' }).then(() => 'unexpected', (e: Error) => (/checksum/.test(e.message) ? 'checksum' : e.message));
      if (kind === 4) return client.generate({ appRelPath: 'broken', env: {}, tgz }).then(() => 'unexpected', (e: Error) => (/bad\.yaml:3/.test(e.message) ? 'generate-error' : e.message));
      return client.generate({ appRelPath: 'guestbook', env: { ARGOCD_APP_NAME: `app-${i}` }, tgz }).then((r) => {
        const names = r.manifests.map((m) => (JSON.parse(m) as { metadata: { annotations: Record<string, string> } }).metadata.annotations['argo-otel.io/app']);
        return names.length === 4 && names.every((n) => n === `app-${i}`) ? 'ok' : `wrong ${names.join(',')}`;
      });
    });
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === 'ok')).toHaveLength(30);
    expect(results.filter((r) => r === 'checksum')).toHaveLength(10);
    expect(results.filter((r) => r === 'generate-error')).toHaveLength(10);
  });

  it('makes the generation a child of the call traceparent', async () => {
    const n = generations.length;
    await client.generate({ appRelPath: 'guestbook', env: {}, tgz, traceparent: TRACEPARENT });
    const parent = generations[n]!.parent;
    expect(parent && trace.getSpanContext(parent)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true });
    await client.generate({ appRelPath: 'guestbook', env: {}, tgz });
    expect(generations[n + 1]!.parent).toBeUndefined();
  });

  it('answers CheckPluginConfiguration and MatchRepository with and without discovery', async () => {
    expect(await client.checkPluginConfiguration()).toEqual({ isDiscoveryConfigured: false, provideGitCreds: false });
    expect(await discoveryClient.checkPluginConfiguration()).toEqual({ isDiscoveryConfigured: true, provideGitCreds: false });
    expect(await client.stream('MatchRepository', { appRelPath: 'guestbook', env: {}, tgz })).toEqual({ isSupported: false, isDiscoveryEnabled: false });
    expect(await discoveryClient.stream('MatchRepository', { appRelPath: 'guestbook', env: {}, tgz })).toEqual({ isSupported: true, isDiscoveryEnabled: true });
    expect(await discoveryClient.stream('MatchRepository', { appRelPath: 'broken', env: {}, tgz })).toEqual({ isSupported: false, isDiscoveryEnabled: true });
  });

  it('announces its parameters', async () => {
    const res = await client.stream<{ parameterAnnouncements: { name: string; collectionType: string }[] }>('GetParametersAnnouncement', { appRelPath: 'guestbook', env: {}, tgz });
    expect(res.parameterAnnouncements.map((p) => `${p.name}:${p.collectionType}`)).toEqual(ANNOUNCED_PARAMETERS.map((p) => `${p.name}:${p.collectionType}`));
  });

  it('rejects every malicious archive and writes nothing outside the workdir', async () => {
    const outside = join(base, 'victim');
    const ignoreSockets = (p: string) => p.startsWith(join(base, 'plugins'));
    const before = await snapshot(base, ignoreSockets);
    const corpus = maliciousCorpus(outside, MAX_ENTRIES);
    const outcomes: string[] = [];
    for (const c of corpus) {
      const tgzBad = c.tgz();
      const err = await client.generate({ appRelPath: '.', env: {}, tgz: tgzBad }).then(() => undefined, (e: Error & { code?: number }) => e);
      outcomes.push(err && err.code === status.UNKNOWN && c.expect.test(err.message) ? 'rejected' : `${c.name}: ${err?.message ?? 'accepted'}`);
    }
    expect(outcomes).toEqual(corpus.map(() => 'rejected'));
    expect(await snapshot(base, ignoreSockets)).toEqual(before);
    // The server still serves good requests afterwards.
    expect((await client.generate({ appRelPath: 'guestbook', env: {}, tgz })).manifests).toHaveLength(4);
  });

  it('serves /healthz, Prometheus /metrics, Spinnaker /metrics.json and mounts the sync webhook', async () => {
    const port = server.httpPort!;
    expect(await httpGet(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    const prom = await httpGet(port, '/metrics');
    expect(prom.body).toMatch(/^cmp_invocations_total\{method="GenerateManifest",success="true",statusCode="OK",app="guestbook"\} \d+$/m);
    expect(prom.body).toMatch(/^cmp_invocations_total\{method="GenerateManifest",success="false",statusCode="UNKNOWN",app=""\} \d+$/m);
    const json = JSON.parse((await httpGet(port, '/metrics.json')).body) as {
      applicationName: string;
      startTime: number;
      metrics: Record<string, { kind: string; values: { tags: { key: string; value: string }[]; values: { t: number; v: number }[] }[] }>;
    };
    expect(json.applicationName).toBe('argo-otel-cmp-server');
    const inv = json.metrics['cmp.invocations']!;
    expect(inv.kind).toBe('Counter');
    const check = inv.values.find((v) => v.tags.some((t) => t.key === 'method' && t.value === 'CheckPluginConfiguration'));
    expect(check?.tags.map((t) => t.key)).toEqual(['method', 'success', 'statusCode', 'app']);
    expect(check?.values[0]!.v).toBeGreaterThanOrEqual(1);
    expect(await httpGet(port, '/v1/argocd/sync-events', 'POST', '{"app":"guestbook"}')).toMatchObject({ status: 202 });
    expect(webhookBodies).toEqual(['{"app":"guestbook"}']);
    expect((await httpGet(port, '/v1/argocd/sync-events')).status).toBe(405);
    expect((await httpGet(port, '/nope')).status).toBe(404);
  });

  it('drains an in-flight generation on close, then removes its socket', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const gen = fakeGenerate();
    const socketPath = join(base, 'plugins', 'drain.sock');
    const draining = await startCmpServer({
      ...common,
      socketPath,
      workDir: join(base, 'work'),
      generate: async (input) => {
        await gate;
        return gen(input);
      },
    });
    const c = new CmpClient(socketPath);
    const inFlight = c.generate({ appRelPath: 'guestbook', env: {}, tgz });
    while (!(await readdir(join(base, 'work', '_argo_otel_cmp_drain'))).length) await new Promise((r) => setTimeout(r, 20));
    const closed = draining.close(10_000);
    release();
    expect((await inFlight).manifests).toHaveLength(4);
    await closed;
    c.close();
    expect(await readdir(join(base, 'plugins'))).not.toContain('drain.sock');
  });

  it('replaces a stale socket but refuses to delete a regular file', async () => {
    const path = join(base, 'plugins', 'stale.sock');
    const first = await startCmpServer({ ...common, socketPath: path, workDir: join(base, 'work') });
    // Simulate a crash: the socket file stays, the next start must take it over.
    const second = await startCmpServer({ ...common, socketPath: path, workDir: join(base, 'work') });
    const c = new CmpClient(path);
    expect(await c.checkPluginConfiguration()).toMatchObject({ isDiscoveryConfigured: false });
    c.close();
    await second.close(1_000);
    await first.close(1_000);
    const file = join(base, 'plugins', 'file.sock');
    await writeFile(file, 'not a socket');
    await expect(startCmpServer({ ...common, socketPath: file, workDir: join(base, 'work') })).rejects.toThrow(/is not a socket; refusing/);
  });
});
