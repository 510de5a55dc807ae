// Sample Argo CD Applications as the notifications controller sees them (unstructured JSON, argo-cd v1alpha1 field
// names), and helpers to render our webhook template with the real Go text/template + sprig peer.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PIPELINE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const PIPELINE_SPAN_ID = 'b7ad6b7169203331';
export const PIPELINE_TP = `00-${PIPELINE_TRACE_ID}-${PIPELINE_SPAN_ID}-01`;
export const SYNCED_SHA = '6f1c0ffee6f1c0ffee6f1c0ffee6f1c0ffee1234';

type JsonObject = Record<string, unknown>;

export function succeededApplication(): JsonObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'guestbook',
      namespace: 'argocd',
      uid: '2d7c1c6e-5a6b-4f2e-9a53-0b1c2d3e4f50',
      annotations: {
        'notifications.argoproj.io/subscribe.argo-otel-sync-operation.argo-otel': '',
        'kubectl.kubernetes.io/last-applied-configuration': '{"big":"and irrelevant"}',
      },
    },
    spec: {
      project: 'ml',
      destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
      source: {
        repoURL: 'https://git.example.com/org/gitops.git',
        path: 'apps/guestbook',
        targetRevision: 'main',
        plugin: {
          name: 'argo-otel-v1',
          env: [
            { name: 'MODEL_ID', value: 'fraud-detector-2026-11' },
            { name: 'ENVIRONMENT', value: 'staging' },
          ],
        },
      },
    },
    status: {
      sync: { status: 'Synced', revision: SYNCED_SHA },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2026-11-30T10:00:00Z',
        finishedAt: '2026-11-30T10:00:12Z',
        retryCount: 0,
        operation: {
          initiatedBy: { username: 'ci-bot' },
          info: [{ name: 'pipeline-run-url', value: 'https://ci.example.com/runs/42' }],
          sync: { revision: SYNCED_SHA },
        },
        syncResult: {
          revision: SYNCED_SHA,
          source: { repoURL: 'https://git.example.com/org/gitops.git', path: 'apps/guestbook' },
          resources: [
            { group: '', version: 'v1', kind: 'Service', namespace: 'guestbook', name: 'guestbook-ui', status: 'Synced', message: 'service/guestbook-ui created', hookPhase: 'Running', syncPhase: 'Sync' },
            { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui', status: 'Synced', message: 'deployment.apps/guestbook-ui created', hookPhase: 'Running', syncPhase: 'Sync' },
            { group: 'batch', version: 'v1', kind: 'Job', namespace: 'guestbook', name: 'migrate', status: 'Synced', message: 'job.batch/migrate created', hookType: 'PreSync', hookPhase: 'Succeeded', syncPhase: 'PreSync' },
          ],
        },
      },
    },
  };
}

/** The commit the template reads with repo.GetCommitMetadata: the pipeline's lineage as trailers. */
export const COMMITS = {
  [SYNCED_SHA]: {
    Message: `deploy fraud-detector 2026-11\n\nBuilt by the training pipeline.\n\nTraceparent: ${PIPELINE_TP}\nTracestate: ci=run42\nPipeline-Name: train-and-deploy\nPipeline-Run-Id: run-42\nDataset-Version: ds-2026-11-29\nModel-Id: overridden-by-plugin-env\n`,
    Author: 'ci-bot <ci@example.com>',
  },
};

export interface WebhookTemplate {
  method: string;
  path: string;
  body: string;
}

/** Reads our shipped template out of the ConfigMap exactly as notifications-engine would (YAML in YAML). */
export function shippedTemplate(): WebhookTemplate {
  const cm = parse(readFileSync(join(REPO, 'manifests/notifications/argocd-notifications-cm.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  const raw = cm.data['template.argo-otel-sync'];
  if (!raw) throw new Error('template.argo-otel-sync missing from argocd-notifications-cm.yaml');
  const template = parse(raw) as { webhook: Record<string, WebhookTemplate> };
  const hook = template.webhook['argo-otel'];
  if (!hook) throw new Error('template.argo-otel-sync has no webhook.argo-otel entry');
  return hook;
}

export const RENDERER = join(REPO, '.cache/bin/notifications-template');

/** Renders a template text with the Go peer. Rejects with the peer's stderr when the template fails. */
export function renderWithGo(text: string, vars: { app: JsonObject; context?: Record<string, string>; commits?: object }): Promise<string> {
  if (!existsSync(RENDERER)) {
    throw new Error(`${RENDERER} is missing: run \`bash test/setup.sh\` (test/setup.d/notifications.sh builds it)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'notif-tpl-'));
  const tplFile = join(dir, 'body.tmpl');
  const varsFile = join(dir, 'vars.json');
  writeFileSync(tplFile, text);
  writeFileSync(varsFile, JSON.stringify({ context: { argocdUrl: 'https://argocd.example.com' }, commits: COMMITS, ...vars }));
  return new Promise((resolve, reject) => {
    execFile(RENDERER, [tplFile, varsFile], { timeout: 30_000 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error) reject(new Error(`template render failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

export interface TriggerCondition {
  description?: string;
  when: string;
  oncePer?: string;
  send: string[];
}

/** The shipped trigger's conditions, as notifications-engine reads them from the ConfigMap. */
export function shippedTrigger(): TriggerCondition[] {
  const cm = parse(readFileSync(join(REPO, 'manifests/notifications/argocd-notifications-cm.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  const raw = cm.data['trigger.argo-otel-sync-operation'];
  if (!raw) throw new Error('trigger.argo-otel-sync-operation missing from argocd-notifications-cm.yaml');
  return parse(raw) as TriggerCondition[];
}

/** Evaluates one condition with the Go peer (expr-lang/expr, as notifications-engine does). */
export function evaluateTrigger(condition: TriggerCondition, app: JsonObject): Promise<{ triggered: boolean; oncePer: string; error: string }> {
  if (!existsSync(RENDERER)) {
    throw new Error(`${RENDERER} is missing: run \`bash test/setup.sh\` (test/setup.d/notifications.sh builds it)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'notif-trg-'));
  const varsFile = join(dir, 'vars.json');
  writeFileSync(varsFile, JSON.stringify({ app }));
  return new Promise((resolve, reject) => {
    execFile(RENDERER, ['trigger', condition.when, condition.oncePer ?? '', varsFile], { timeout: 30_000 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error) reject(new Error(`trigger evaluation failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as { triggered: boolean; oncePer: string; error: string });
    });
  });
}

export const ENGINE = join(REPO, '.cache/bin/notifications-engine');

export interface EngineResult {
  trigger: string;
  condition: number;
  triggered: boolean;
  oncePer: string;
  destinations: string[];
  error: string;
}

/**
 * Runs the real notifications-engine over our shipped ConfigMap and Secret for one Application, with the webhook
 * URL pointed at `url` (the only change to the shipped config).
 */
export function runEngine(app: JsonObject, url: string): Promise<EngineResult[]> {
  if (!existsSync(ENGINE)) {
    throw new Error(`${ENGINE} is missing: run \`bash test/setup.sh\` (test/setup.d/notifications.sh builds it)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'notif-engine-'));
  writeFileSync(join(dir, 'app.json'), JSON.stringify(app));
  writeFileSync(join(dir, 'commits.json'), JSON.stringify(COMMITS));
  const args = [
    '-configmap', join(REPO, 'manifests/notifications/argocd-notifications-cm.yaml'),
    '-secret', join(REPO, 'manifests/notifications/argocd-notifications-secret.yaml'),
    '-app', join(dir, 'app.json'),
    '-commits', join(dir, 'commits.json'),
    '-url', url,
  ];
  return new Promise((resolve, reject) => {
    execFile(ENGINE, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error) reject(new Error(`notifications-engine failed: ${stderr || error.message}`));
      else resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineResult));
    });
  });
}

/** The token in the shipped example Secret. */
export function shippedWebhookToken(): string {
  const secret = parse(readFileSync(join(REPO, 'manifests/notifications/argocd-notifications-secret.yaml'), 'utf8')) as {
    stringData: Record<string, string>;
  };
  const token = secret.stringData['argo-otel-webhook-token'];
  if (!token) throw new Error('argo-otel-webhook-token missing from argocd-notifications-secret.yaml');
  return token;
}
