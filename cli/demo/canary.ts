// Step 7: the canary. Stable and canary model servers report OTel HTTP metrics to real Prometheus, and the Rollouts
// metric plugin judges them, spoken to over go-plugin net/rpc as the controller does.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ContainerEnv } from '../../lineage/names.js';
import { METRIC_PROVIDER_PLUGIN_NAME, RunArgsType } from '../../rollouts-metric-plugin/argo-types.js';
import { t, type GobValue } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { connectHandshake, COOKIE } from '../../test/rollouts-transport/helpers.js';
import { baseEnv, telemetryEnv } from './env.js';
import type { Peers } from './peers.js';
import { SAMPLE } from './sample.js';
import { REPO, type DemoSession } from './session.js';

const PLUGIN_BIN = join(REPO, 'rollouts-metric-plugin', 'bin', 'argo-otel-rollouts-plugin');
/** The provider.plugin key in the AnalysisTemplate (manifests/examples/canary/analysis-template.yaml). */
const PLUGIN_KEY = 'argo-otel/canary-judge';
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A pod-template hash in the form Argo Rollouts writes it (k8s controller.ComputeHash: fnv-32a, then
 * rand.SafeEncodeString of the decimal). The real controller hashes a spew dump of the template, we hash its JSON.
 */
export function podTemplateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template))) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return [...String(h)].map((c) => SAFE_ALPHANUMS[c.charCodeAt(0) % SAFE_ALPHANUMS.length]).join('');
}

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } };

/**
 * The pod's OTEL_RESOURCE_ATTRIBUTES as the kubelet hands it over: `$(VAR)` expanded from the earlier env entries,
 * the Downward-API entry for the rollouts-pod-template-hash label resolved to `hash`. Parsed into attributes.
 */
export function podResourceAttributes(template: unknown, hash: string): Record<string, string> {
  const env = ((template as { spec?: { containers?: { env?: EnvVar[] }[] } }).spec?.containers?.[0]?.env ?? []);
  const resolved = new Map<string, string>();
  for (const e of env) {
    const fromLabel = /^metadata\.labels\['rollouts-pod-template-hash'\]$/.test(e.valueFrom?.fieldRef?.fieldPath ?? '');
    const raw = fromLabel ? hash : (e.value ?? '');
    resolved.set(e.name, raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name: string) => resolved.get(name) ?? ref));
  }
  const text = resolved.get(ContainerEnv.otelResourceAttributes) ?? '';
  return Object.fromEntries(
    text.split(',').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
    }),
  );
}

/** Forwards only the first `limit` ended spans: one request per pod is enough to show in the tree. */
class FirstSpans implements SpanProcessor {
  private forwarded = 0;
  constructor(
    private readonly inner: SpanProcessor,
    private readonly limit: number,
  ) {}
  onStart(_span: Span, _context: Context): void {}
  onEnd(span: ReadableSpan): void {
    if (this.forwarded++ < this.limit) this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export interface CanaryInput {
  /** The Rollout's pod template as the CMP rendered it: what the canary ReplicaSet runs. */
  podTemplate: unknown;
  /** argo-otel.io/traceparent on the Rollout: the AnalysisTemplate's `traceparent` arg. */
  deploymentTraceparent: string;
}

interface Measurement {
  phase: string;
  message: string;
  metadata: Record<string, string>;
}

/** A healthy canary: same error rate and latency as stable on both routes. */
const ROUTES = { '/predict': { errorRate: 0.004, latency: 0.04 }, '/healthz': { errorRate: 0, latency: 0.002 } };

async function judgeOnPrometheus(s: DemoSession, prometheus: string, pods: Record<'canary' | 'stable', { hash: string; template: unknown }>): Promise<Record<string, unknown>> {
  // Test support code needs devDependencies (the OTel metrics SDK), so it loads only on this path.
  const { startOtelService } = await import('../../test/support/otel-http-service.js');
  const { startPrometheus } = await import('../../test/support/prometheus.js');
  const start = async (side: 'canary' | 'stable', seed: number) => {
    const { hash, template } = pods[side];
    const service = await startOtelService({
      serviceName: SAMPLE.app,
      podTemplateHash: hash,
      instanceId: `${SAMPLE.app}-${hash}-0`,
      routes: ROUTES,
      // The pod's resource is what the CMP injected into its template (OTEL_RESOURCE_ATTRIBUTES).
      resource: podResourceAttributes(template, hash),
      spanProcessor: new FirstSpans(new BatchSpanProcessor(new OTLPTraceExporter()), 1),
      seed,
    });
    s.defer(() => service.close());
    return service;
  };
  const stable = await start('stable', 7);
  const canary = await start('canary', 13);
  const prom = await startPrometheus([{ job: SAMPLE.app, targets: [stable.url, canary.url] }], { binary: prometheus });
  s.defer(() => prom.stop());
  s.fact('prometheus', `${prom.url} scraping stable ${stable.url} and canary ${canary.url} every 1s`);
  await prom.waitForScrapes(1, 15_000);
  // About 4 s of traffic, stable taking 80%, then until Prometheus has every request.
  for (let burst = 0; burst < 4; burst++) {
    s.checkNotAborted();
    await stable.drive('/predict', 400);
    await stable.drive('/healthz', 40);
    await canary.drive('/predict', 100);
    await canary.drive('/healthz', 10);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await waitUntilScraped(prom.url, stable.served + canary.served);
  s.fact('traffic', `stable ${stable.served} requests, canary ${canary.served} requests, all scraped`);
  return { backend: { address: prom.url, timeout: '5s' }, selection: { matchers: `job="${SAMPLE.app}"` }, window: '60s', step: '2s', minRequests: 100, minPoints: 3 };
}

/** Waits (bounded) until Prometheus has scraped every request served, so the judge sees the whole run. */
async function waitUntilScraped(prometheus: string, served: number): Promise<void> {
  const query = encodeURIComponent(`sum(http_server_request_duration_count{job="${SAMPLE.app}"})`);
  let scraped = 0;
  for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const body = (await (await fetch(`${prometheus}/api/v1/query?query=${query}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
    scraped = Number(body.data?.result?.[0]?.value[1] ?? 0);
    if (scraped >= served) return;
  }
  throw new Error(`Prometheus scraped ${scraped} of ${served} requests within 15 s`);
}

const stringRecord = (value: GobValue | undefined): Record<string, string> =>
  Object.fromEntries([...(value instanceof Map ? value : Object.entries((value ?? {}) as Record<string, GobValue>))].map(([k, v]) => [String(k), String(v)]));

/** One Plugin.Run through our TypeScript go-plugin host client (yamux + net/rpc + gob, as the controller's). */
async function runThroughTsHost(s: DemoSession, config: Record<string, unknown>, args: Record<string, string>, labels: Record<string, string>, endpoint: string): Promise<Measurement> {
  const plugin = s.start(process.execPath, [PLUGIN_BIN], { env: { ...telemetryEnv(endpoint), ...COOKIE } });
  const [line = ''] = await plugin.waitForStdout(/^.*\n/, 15_000);
  const host = await connectHandshake(line);
  try {
    const rpc = await host.plugin(METRIC_PROVIDER_PLUGIN_NAME);
    await rpc.call('Plugin.InitPlugin', t.iface, null);
    const reply = (await rpc.call('Plugin.Run', t.iface, {
      $interface: 'RunArgs',
      type: RunArgsType,
      value: {
        AnalysisRun: {
          TypeMeta: { Kind: 'AnalysisRun', APIVersion: 'argoproj.io/v1alpha1' },
          ObjectMeta: { Name: `${SAMPLE.app}-${labels['rollouts-pod-template-hash'] ?? ''}-2-1`, Namespace: SAMPLE.namespace, UID: randomUUID(), Labels: labels, Annotations: {} },
          Spec: { Args: Object.entries(args).map(([Name, Value]) => ({ Name, Value })) },
        },
        Metric: { Name: 'canary', Provider: { Plugin: new Map([[PLUGIN_KEY, Buffer.from(JSON.stringify(config))]]) } },
      },
    })) as Record<string, GobValue>;
    await host.quit().catch(() => undefined);
    return {
      phase: String(reply.Phase ?? ''),
      message: String(reply.Message ?? ''),
      metadata: stringRecord(reply.Metadata),
    };
  } finally {
    host.close();
    // The plugin flushes its analysis span on Quit before it exits.
    await plugin.exited(5_000);
  }
}

/**
 * One measurement through the real argo-rollouts v1.9.1 host code (go-plugin v1.6.3 client, v1alpha1 types): the
 * harness's `measure` scenario sends a realistic AnalysisRun with this deployment's args and returns the Measurement.
 */
async function runThroughRealHost(s: DemoSession, host: string, config: Record<string, unknown>, args: Record<string, string>, endpoint: string): Promise<Measurement> {
  const flags = ['measure', '--plugin', PLUGIN_BIN, '--config', JSON.stringify(config), ...Object.entries(args).flatMap(([k, v]) => ['--run-arg', `${k}=${v}`])];
  // The host passes its environment to the plugin, as the controller does: that is how the plugin finds the receiver.
  const { stdout } = await s.run(host, flags, { cwd: REPO, env: { ...baseEnv(), ...telemetryEnv(endpoint) }, timeoutMs: 30_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ok?: boolean; data?: { measurement?: { phase?: string; message?: string; metadata?: Record<string, string> | null } } };
  if (!result.ok || !result.data?.measurement) throw new Error(`real go-plugin host run failed: ${stdout}`);
  const m = result.data.measurement;
  s.fact('real go-plugin host', `${host}: handshake, Dispense, InitPlugin, Ping, Run → ${m.phase ?? '?'} (go-plugin v1.6.3, argo-rollouts v1.9.1 client)`);
  return { phase: m.phase ?? '', message: m.message ?? '', metadata: m.metadata ?? {} };
}

export async function runCanary(s: DemoSession, input: CanaryInput, peers: Peers, endpoint: string): Promise<Measurement> {
  s.step(7, 'Argo Rollouts canary: the metric plugin judges canary vs stable');
  // Stable runs the template of the previous release: the image and model this pipeline run replaced.
  const stableTemplate = JSON.parse(
    JSON.stringify(input.podTemplate)
      .replaceAll(`${SAMPLE.image}:${SAMPLE.imageTag}`, `${SAMPLE.image}:${SAMPLE.previousImageTag}`)
      .replaceAll(SAMPLE.modelId, SAMPLE.previousModelId)
      .replaceAll(`cicd.pipeline.run.id=${SAMPLE.runId}`, `cicd.pipeline.run.id=${SAMPLE.previousRunId}`),
  ) as unknown;
  const hashes = { canary: podTemplateHash(input.podTemplate), stable: podTemplateHash(stableTemplate) };
  s.fact('pod-template hashes', `canary ${hashes.canary}, stable ${hashes.stable}`);
  let config: Record<string, unknown>;
  if (peers.prometheus) {
    config = await judgeOnPrometheus(s, peers.prometheus, {
      canary: { hash: hashes.canary, template: input.podTemplate },
      stable: { hash: hashes.stable, template: stableTemplate },
    });
  } else {
    s.skip('canary judge on real Prometheus', '`apt-get install prometheus` (or `npm test`, which installs it); running the plugin with the {"fixed": …} provider instead');
    config = { fixed: { phase: 'Successful', value: '1', message: 'fixed answer: no Prometheus, so nothing was judged' } };
  }
  // The AnalysisTemplate's args as the controller resolves them (podTemplateHashValue, the Rollout's annotation).
  const args = { service: SAMPLE.app, 'canary-hash': hashes.canary, 'stable-hash': hashes.stable, traceparent: input.deploymentTraceparent };
  const labels = { 'rollouts-pod-template-hash': hashes.canary, 'rollout-type': 'Step', 'step-index': '1', rollout: SAMPLE.app };
  let m: Measurement;
  if (peers.rolloutsHost) {
    m = await runThroughRealHost(s, peers.rolloutsHost, config, args, endpoint);
  } else {
    s.skip('real go-plugin host', '`bash test/setup.d/rollouts-host.sh` (or `npm test`) builds .cache/bin/rollouts-host; using our TypeScript host client');
    s.note('Plugin.Run through the TypeScript go-plugin host client (yamux + net/rpc + gob)');
    m = await runThroughTsHost(s, config, args, labels, endpoint);
  }
  s.fact('phase', m.phase);
  s.fact('message', m.message);
  for (const key of ['score', 'selection', 'requests.canary', 'requests.stable', 'check.error-rate.outcome', 'check.latency-p99.outcome', 'analysis.trace_id']) {
    if (m.metadata[key] !== undefined) s.fact(key, m.metadata[key]);
  }
  if (m.phase !== 'Successful') throw new Error(`the healthy canary was judged ${m.phase}: ${m.message}`);
  return m;
}
