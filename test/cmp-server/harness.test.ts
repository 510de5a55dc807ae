// argo-cd's own repo-server client code (v3.5.1: util/cmp.SendRepoStream, cmpserver/apiclient,
// util/app/discovery) drives our server over its socket; the same harness runs argo-cd's real cmpserver with
// our plugin.yaml (mode a) so both modes can be compared manifest by manifest.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANNOUNCED_PARAMETERS } from '../../cmp-plugin/server/parameters.js';
import { DEFAULT_EXTRACT_LIMITS } from '../../cmp-plugin/server/safe-extract.js';
import { snapshot } from './fs-snapshot.js';
import { maliciousCorpus } from './malicious-corpus.js';

const execFileAsync = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const HARNESS = join(REPO, '.cache/bin/argocd-cmp-harness');
const CLI = join(REPO, 'dist/cli/main.js');
const PLUGIN_YAML = join(REPO, 'manifests/cmp-generate/plugin.yaml');
const PATH = `${join(REPO, '.cache/bin')}:${process.env['PATH'] ?? ''}`;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const APPS = ['apps/plain', 'apps/kustomize', 'apps/helm'];
/** Where plugin.yaml expects the CLI inside the image; mapped onto this checkout. */
const IMAGE_APP_DIR = '/opt/argo-otel';

interface Outcome {
  scenario: string;
  app?: string;
  ok: boolean;
  error?: string;
  code?: string;
  manifests?: string[];
  details?: Record<string, unknown>;
}

async function writeRepo(repo: string): Promise<void> {
  const files: Record<string, string> = {
    'apps/plain/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: plain\nspec:\n  selector: {matchLabels: {app: plain}}\n  template:\n    metadata: {labels: {app: plain}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata: {on: yes}\n',
    'apps/kustomize/kustomization.yaml': 'namePrefix: k-\ncommonLabels: {team: ml}\nresources: [deploy.yaml]\n',
    'apps/kustomize/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: model\nspec:\n  selector: {matchLabels: {app: model}}\n  template:\n    metadata: {labels: {app: model}}\n    spec:\n      containers:\n        - name: server\n          image: model:1\n',
    'apps/helm/Chart.yaml': 'apiVersion: v2\nname: serve\nversion: 0.1.0\n',
    'apps/helm/values.yaml': 'replicas: 2\n',
    'apps/helm/templates/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-serve\nspec:\n  replicas: {{ .Values.replicas }}\n  selector: {matchLabels: {app: serve}}\n  template:\n    metadata: {labels: {app: serve}}\n    spec:\n      containers:\n        - name: serve\n          image: serve:1\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(repo, path, '..'), { recursive: true });
    await writeFile(join(repo, path), text);
  }
}

async function startProcess(cmd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(cmd, args, { env: { ...process.env, PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolveReady, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (ready.test(stderr)) resolveReady();
    });
    child.once('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr}`)));
  });
  return child;
}

async function harness(socketDir: string, args: string[]): Promise<Outcome[]> {
  const { stdout } = await execFileAsync(HARNESS, ['run', ...args], {
    env: { ...process.env, PATH, ARGOCD_PLUGINSOCKFILEPATH: socketDir },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Outcome);
}

const objectsOf = (o: Outcome | undefined) => (o?.manifests ?? []).map((m) => JSON.parse(m) as unknown);

describe('argo-cd v3.5.1 client code against our cmp-server', () => {
  let base: string;
  let repo: string;
  let ours: string;
  let real: string;
  const children: ChildProcess[] = [];
  let maliciousDir: string;
  const env = `ARGOCD_ENV_TRACEPARENT=${TRACEPARENT};ARGOCD_ENV_MODEL_ID=resnet-7`;

  beforeAll(async () => {
    for (const [what, path] of [
      ['harness (test/setup.d/argocd-cmp.sh)', HARNESS],
      ['built CLI (npm run build)', CLI],
    ] as const) {
      if (!existsSync(path)) throw new Error(`${what} missing at ${path}`);
    }
    base = await mkdtemp(join(tmpdir(), 'cmp-harness-'));
    repo = join(base, 'repo');
    await writeRepo(repo);
    ours = join(base, 'ours');
    real = join(base, 'real');
    maliciousDir = join(base, 'malicious');
    for (const d of [ours, real, maliciousDir, join(base, 'work-ours'), join(base, 'work-real'), join(base, 'victim')]) await mkdir(d);
    const corpus = maliciousCorpus(join(base, 'victim'), DEFAULT_EXTRACT_LIMITS.maxEntries);
    for (const [i, c] of corpus.entries()) {
      if (c.name === 'too many files') continue; // 100k entries: covered by the TypeScript client tests
      await writeFile(join(maliciousDir, `${String(i).padStart(2, '0')}-${c.name.replace(/\W+/g, '-')}.tgz`), c.tgz());
    }
    const serverEnv = { PATH, ARGOCD_PLUGINSOCKFILEPATH: ours, ARGOCD_CMP_WORKDIR: join(base, 'work-ours'), OTEL_TRACES_EXPORTER: 'none' };
    children.push(await startProcess(process.execPath, [CLI, 'cmp-server'], serverEnv, /listening on/));
    children.push(
      await startProcess(process.execPath, [CLI, 'cmp-server', '--name', 'argo-otel-discovery', '--plugin-version', '', '--discover-glob', 'kustomization.yaml'], serverEnv, /listening on/),
    );
  });

  afterAll(async () => {
    const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    const alive = children.filter(running);
    const exits = alive.map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of alive) c.kill('SIGTERM');
    await Promise.all(exits);
    if (base) await rm(base, { recursive: true, force: true });
  });

  let results: Outcome[] = [];
  const find = (scenario: string, app?: string) => results.find((r) => r.scenario === scenario && (app === undefined || r.app === app));

  it('runs every scenario through the real client code', async () => {
    const before = await snapshot(base, (p) => p.startsWith(ours) || p.startsWith(real));
    results = await harness(ours, [
      '--repo', repo, '--plugin', 'argo-otel-v1', '--apps', APPS.join(','), '--env', env,
      '--scenarios', 'check,generate,params,checksum-mismatch,truncated,stall,malicious,concurrent',
      '--malicious-dir', maliciousDir, '--concurrency', '50',
    ]);
    expect(await snapshot(base, (p) => p.startsWith(ours) || p.startsWith(real))).toEqual(before);
    expect(results.length).toBeGreaterThan(10);
  });

  it('check: discovery not configured, no git creds', () => {
    expect(find('check')).toMatchObject({ ok: true, details: { isDiscoveryConfigured: false, provideGitCreds: false } });
  });

  it('generate: plain, Kustomize and Helm apps render with the lineage injected', () => {
    for (const app of APPS) {
      const r = find('generate', app);
      expect(r, app).toMatchObject({ ok: true });
      const objects = objectsOf(r) as { kind: string; metadata: { name: string; annotations?: Record<string, string> } }[];
      const deployment = objects.find((o) => o.kind === 'Deployment');
      expect(deployment?.metadata.annotations?.['argo-otel.io/traceparent'], app).toBe(TRACEPARENT);
    }
    expect((objectsOf(find('generate', 'apps/kustomize'))[0] as { metadata: { name: string } }).metadata.name).toBe('k-model');
  });

  it('params: the announcement arrives intact through the Go types', () => {
    const anns = (find('params', 'apps/plain')?.details?.['announcements'] ?? []) as { name: string; collectionType: string }[];
    expect(anns.map((a) => `${a.name}:${a.collectionType}`)).toEqual(ANNOUNCED_PARAMETERS.map((a) => `${a.name}:${a.collectionType}`));
  });

  it('checksum mismatch and truncated streams fail with our message, not a bare EOF', () => {
    for (const s of ['checksum-mismatch', 'truncated']) {
      expect(find(s), s).toMatchObject({ ok: false, code: 'Unknown' });
      expect(find(s)!.error, s).toMatch(/file checksum validation error/);
    }
  });

  it('a deadline that passes mid-stream ends the call', () => {
    expect(find('stall')).toMatchObject({ ok: false });
    expect(find('stall')!.error).toMatch(/deadline exceeded/i);
  });

  it('every malicious archive is rejected', () => {
    const mal = results.filter((r) => r.scenario === 'malicious');
    expect(mal.length).toBe(14);
    expect(mal.filter((r) => r.ok || r.code !== 'Unknown')).toEqual([]);
  });

  it('50 concurrent generations through the full repo-server sequence agree', () => {
    expect(find('concurrent')).toMatchObject({ ok: true, details: { calls: 50, failures: [], distinctOutputs: 1 } });
  });

  it('discovery: auto-detection finds the discovery plugin for a matching app only', async () => {
    const disc = await harness(ours, ['--repo', repo, '--apps', 'apps/kustomize', '--no-match-app', 'apps/plain', '--env', env, '--scenarios', 'discover']);
    expect(disc.find((r) => r.scenario === 'discover')).toMatchObject({ ok: true });
    expect(disc.find((r) => r.scenario === 'discover-no-match')?.error).toMatch(/could not find plugin supporting the given repository/);
    const named = await harness(ours, ['--repo', repo, '--plugin', 'argo-otel-discovery', '--apps', 'apps/plain', '--scenarios', 'generate']);
    expect(named[0]?.error).toMatch(/could not find cmp-server plugin with name "argo-otel-discovery" supporting the given repository/);
  });

  it("argo-cd's real cmpserver running our plugin.yaml gives identical manifests", async () => {
    if (!existsSync(PLUGIN_YAML)) throw new Error(`${PLUGIN_YAML} missing (mode a plugin.yaml, owned by cmp-generate)`);
    const config = parse(await import('node:fs/promises').then((fs) => fs.readFile(PLUGIN_YAML, 'utf8'))) as { metadata: { name: string }; spec: { version?: string } };
    const name = config.spec.version ? `${config.metadata.name}-${config.spec.version}` : config.metadata.name;
    children.push(
      await startProcess(HARNESS, ['serve-real', '--config', PLUGIN_YAML, '--cli-root', REPO, '--rewrite', `${IMAGE_APP_DIR}=${REPO}`], { ARGOCD_PLUGINSOCKFILEPATH: real, ARGOCD_CMP_WORKDIR: join(base, 'work-real') }, /real cmpserver listening/),
    );
    for (let i = 0; i < 200 && !(await readdir(real)).includes(`${name}.sock`); i++) await new Promise((r) => setTimeout(r, 25));
    const realResults = await harness(real, ['--repo', repo, '--plugin', name, '--apps', APPS.join(','), '--env', env, '--scenarios', 'generate']);
    for (const app of APPS) {
      const r = realResults.find((x) => x.app === app);
      expect(r, `${app}: ${r?.error}`).toMatchObject({ ok: true });
      expect(objectsOf(find('generate', app)), app).toEqual(objectsOf(r));
    }
  });
});
