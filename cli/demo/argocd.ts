// Steps 4–6, Argo CD's side: the CMP renders the stamped app as a `generate` command (mode a) and as our own gRPC
// server on the plugin socket (mode b), then a notifications webhook reports the sync.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { parseAllDocuments } from 'yaml';
import { SYNC_EVENTS_PATH } from '../../cmp-plugin/notifications/index.js';
import { SERVICE_NAME as CMP_SERVICE } from '../../cmp-plugin/server/protocol.js';
import { Annotations, ContainerEnv, OwnAttributes } from '../../lineage/names.js';
import type { OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import type { Tracing } from '../../telemetry/tracing.js';
import { CmpClient, tgzOfRepo } from '../../test/cmp-server/repo-stream-client.js';
import { telemetryEnv } from './env.js';
import type { GitOpsRepo, PipelineRun } from './pipeline.js';
import { SAMPLE } from './sample.js';
import type { DemoSession } from './session.js';

/** What the repo-server passes a plugin for GenerateManifest (argocd-cmp-protocol.md §2.2, argo-cd v3.5.1). */
export function argocdAppEnv(repo: GitOpsRepo, app: string = SAMPLE.app, appPath: string = SAMPLE.appPath): Record<string, string> {
  return {
    ARGOCD_APP_NAME: app,
    ARGOCD_APP_NAMESPACE: SAMPLE.namespace,
    ARGOCD_APP_PROJECT_NAME: SAMPLE.project,
    ARGOCD_APP_REVISION: repo.commit,
    ARGOCD_APP_REVISION_SHORT: repo.commit.slice(0, 7),
    ARGOCD_APP_REVISION_SHORT_8: repo.commit.slice(0, 8),
    ARGOCD_APP_SOURCE_REPO_URL: SAMPLE.repoUrl,
    ARGOCD_APP_SOURCE_PATH: appPath,
    ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    KUBE_VERSION: '1.31.0',
    KUBE_API_VERSIONS: 'apps/v1,apps/v1/Deployment,argoproj.io/v1alpha1,argoproj.io/v1alpha1/Rollout,batch/v1,batch/v1/Job,v1,v1/Service',
    // The Application names our plugin (spec.source.plugin) with no parameters: json.Marshal of a nil slice.
    ARGOCD_APP_PARAMETERS: 'null',
  };
}

type Json = Record<string, unknown>;
const field = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);
type EnvVar = { name: string; value?: string };
const envOf = (workload: unknown): EnvVar[] => ((field(workload, 'spec', 'template', 'spec', 'containers', 0, 'env') as EnvVar[] | undefined) ?? []);

export interface Rendered {
  /** The Rollout's argo-otel.io/traceparent annotation: the deployment trace the canary analysis links to. */
  deploymentTraceparent: string;
  /** The Rollout's rendered pod template (what its canary ReplicaSet runs). */
  podTemplate: unknown;
}

/** Step 4, mode (a): `argo-otel generate` exactly as argocd-cmp-server runs it (cwd = app dir, env in, YAML out). */
export async function generateModeA(s: DemoSession, repo: GitOpsRepo, endpoint: string): Promise<Rendered> {
  s.step(4, 'CMP mode (a): argo-otel generate (as argocd-cmp-server runs it)');
  const { stdout } = await s.cli(['generate', '--output', 'yaml'], { cwd: repo.appDir, env: { ...telemetryEnv(endpoint), ...argocdAppEnv(repo) } });
  const objects = parseAllDocuments(stdout).map((d) => d.toJS() as Json);
  const rollout = objects.find((o) => o.kind === 'Rollout');
  const job = objects.find((o) => o.kind === 'Job');
  const annotations = (field(rollout, 'metadata', 'annotations') ?? {}) as Record<string, string>;
  const deploymentTraceparent = annotations[Annotations.traceparent];
  if (!rollout || !job || !deploymentTraceparent) throw new Error(`generate output lacks the Rollout, the Job or the ${Annotations.traceparent} annotation:\n${stdout}`);
  const env = (w: unknown, name: string) => envOf(w).find((e) => e.name === name)?.value ?? '(not set)';
  s.fact('manifests', objects.map((o) => o.kind).join(', '));
  s.note('Rollout annotations:');
  for (const [k, v] of Object.entries(annotations)) s.note(`  ${k} = ${v}`);
  s.note('Rollout container env:');
  for (const name of [ContainerEnv.modelId, ContainerEnv.otelResourceAttributes]) s.note(`  ${name} = ${env(rollout, name)}`);
  s.note('Job (training) container env:');
  s.note(`  ${ContainerEnv.traceparent} = ${env(job, ContainerEnv.traceparent)}`);
  return { deploymentTraceparent, podTemplate: field(rollout, 'spec', 'template') };
}

/** Step 4, the Kustomize variant: same command, kustomize renders, the lineage comes from the commit trailers. */
export async function generateKustomizeVariant(s: DemoSession, repo: GitOpsRepo, receiver: OtlpReceiver, kustomize: string | undefined): Promise<void> {
  if (!repo.kustomizeAppDir || !kustomize) {
    s.skip('the Kustomize variant', '`bash test/setup.d/render-tools.sh` (or `npm test`) installs kustomize into .cache/bin');
    return;
  }
  const app = `${SAMPLE.app}-kustomize`;
  const env = { ...telemetryEnv(receiver.endpoint), ...argocdAppEnv(repo, app, SAMPLE.kustomizeAppPath), ARGO_OTEL_KUSTOMIZE_PATH: kustomize };
  const { stdout } = await s.cli(['generate', '--output', 'yaml'], { cwd: repo.kustomizeAppDir, env });
  const objects = parseAllDocuments(stdout).map((d) => d.toJS() as Json);
  const rollout = objects.find((o) => o.kind === 'Rollout');
  const image = String(field(rollout, 'spec', 'template', 'spec', 'containers', 0, 'image') ?? '?');
  const traceparent = (field(rollout, 'metadata', 'annotations') as Record<string, string> | undefined)?.[Annotations.traceparent];
  if (!traceparent) throw new Error(`the Kustomize variant's Rollout has no ${Annotations.traceparent}:\n${stdout}`);
  s.note(`Kustomize variant (${SAMPLE.kustomizeAppPath}, no lineage file): ${objects.map((o) => `${o.kind}/${String(field(o, 'metadata', 'name'))}`).join(', ')}`);
  // Where the lineage came from is on the generation span; the CLI has flushed it before exiting.
  const spans = await receiver.waitForSpans((all) => all.some((x) => x.name === `generate ${app}`), 5_000);
  const source = spans.find((x) => x.name === `generate ${app}`)?.attributes[OwnAttributes.lineageSource];
  s.note(`  image ${image}, ${Annotations.traceparent} = ${traceparent} (lineage from ${String(source)})`);
}

export interface CmpServer {
  httpUrl: string;
  webhookSecret: string;
  stop(): Promise<void>;
}

/** Step 5, mode (b): our cmp-server on a plugin socket, called the way the repo-server calls it. */
export async function generateModeB(s: DemoSession, repo: GitOpsRepo, endpoint: string, repoServer: Tracing): Promise<CmpServer> {
  s.step(5, 'CMP mode (b): argo-otel cmp-server on the plugin socket, streamed to as the repo-server does');
  const webhookSecret = randomBytes(16).toString('hex');
  const server = s.startCli(['cmp-server', '--http-listen', '127.0.0.1:0', '--drain-timeout-ms', '2000'], {
    ...telemetryEnv(endpoint),
    ARGOCD_PLUGINSOCKFILEPATH: join(s.dir, 'plugins'),
    ARGOCD_CMP_WORKDIR: join(s.dir, 'cmp-work'),
    ARGO_OTEL_WEBHOOK_SECRET: webhookSecret,
  });
  const [, socketPath = '', port = ''] = await server.waitForStderr(/listening on (\S+), http 127\.0\.0\.1:(\d+)/, 15_000);
  s.fact('plugin socket', socketPath);

  // The repo-server's client span; its context goes out as gRPC `traceparent` metadata, as otelgrpc would send it.
  const span = repoServer.tracer.startSpan(`${CMP_SERVICE}/GenerateManifest`, {
    kind: SpanKind.CLIENT,
    root: true,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': CMP_SERVICE, 'rpc.method': 'GenerateManifest' },
  });
  const carrier: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, k, v) => void (c[k] = v) });
  const client = new CmpClient(socketPath);
  try {
    const started = performance.now();
    const response = await client.generate({
      appRelPath: SAMPLE.appPath,
      env: argocdAppEnv(repo),
      tgz: await tgzOfRepo(repo.root),
      traceparent: carrier.traceparent,
      deadline: new Date(Date.now() + 30_000),
    });
    const ms = performance.now() - started;
    span.setStatus({ code: SpanStatusCode.OK });
    s.fact('GenerateManifest', `${response.manifests.length} manifests in ${ms.toFixed(0)} ms (tar+gzip stream, 1 KiB chunks)`);
    s.fact('repo-server span', `${span.spanContext().traceId}/${span.spanContext().spanId} (parent of the generation)`);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
    client.close();
  }
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    webhookSecret,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited(10_000);
    },
  };
}

/** Step 6: the notifications webhook for a Succeeded sync, with the lineage where the shipped template puts it. */
export async function reportSync(s: DemoSession, server: CmpServer, repo: GitOpsRepo, pipeline: PipelineRun, syncStartedMs: number): Promise<void> {
  s.step(6, `Argo CD notifications: sync Succeeded → POST ${SYNC_EVENTS_PATH}`);
  // operationState times have second resolution (metav1.Time).
  const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const startedAt = Math.ceil(syncStartedMs / 1000) * 1000;
  const finishedAt = Math.max(startedAt, Math.ceil(Date.now() / 1000) * 1000);
  const synced = (group: string, version: string, kind: string, name: string) =>
    ({ group, version, kind, namespace: SAMPLE.namespace, name, status: 'Synced', syncPhase: 'Sync', hookPhase: 'Running', message: `${kind.toLowerCase()}/${name} configured` });
  const body = {
    schema: 'argo-otel.io/sync-event/v1',
    app: SAMPLE.app,
    appNamespace: SAMPLE.argocdNamespace,
    uid: randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    project: SAMPLE.project,
    destinationNamespace: SAMPLE.namespace,
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    startedAt: rfc3339(startedAt),
    finishedAt: rfc3339(finishedAt),
    initiatedBy: { automated: true },
    // `argocd app sync --info` items, the Application's plugin env, and the synced commit's trailers.
    info: [{ name: 'pipeline-run-url', value: SAMPLE.runUrl }],
    source: { repoURL: SAMPLE.repoUrl, path: SAMPLE.appPath, targetRevision: 'main', plugin: { name: 'argo-otel-v1', env: [{ name: 'ENVIRONMENT', value: SAMPLE.environment }] } },
    syncRevision: repo.commit,
    resources: [
      synced('argoproj.io', 'v1alpha1', 'Rollout', SAMPLE.app),
      synced('', 'v1', 'Service', SAMPLE.app),
      synced('batch', 'v1', 'Job', `train-${SAMPLE.app}`),
    ],
    syncStatus: 'Synced',
    health: 'Healthy',
    commitMessage: repo.commitMessage,
  };
  const response = await fetch(`${server.httpUrl}${SYNC_EVENTS_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.webhookSecret}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { status?: string; traceId?: string; spanId?: string; lineageSources?: Record<string, string>; reason?: string };
  if (response.status !== 200 || answer.status !== 'recorded') {
    throw new Error(`sync webhook answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  const sources = Object.entries(answer.lineageSources ?? {}).map(([k, v]) => `${k}←${v}`);
  s.fact('answer', `${response.status} ${answer.status}, SYNC span ${answer.traceId}/${answer.spanId}`);
  s.fact('lineage from', sources.join(', '));
  if (!(answer.lineageSources?.traceparent ?? '').length) throw new Error(`the sync span found no traceparent (pipeline ${pipeline.traceparent})`);
}
