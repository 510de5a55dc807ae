// OTel SDK setup for every argo-otel process, configured only by the standard OTEL_* env vars.
// Principle: telemetry never blocks or fails a deploy. Export errors are logged once and counted; shutdown waits at
// most a bounded flush, and the exporter's own deadline is capped by it so no pending RPC keeps the process alive.
import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { credentials } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OverridableIdGenerator } from './ids.js';

/** Env var (ours) that overrides the default bounded flush of 2000 ms. */
export const FLUSH_TIMEOUT_ENV = 'ARGO_OTEL_FLUSH_TIMEOUT_MS';
export const DEFAULT_FLUSH_TIMEOUT_MS = 2_000;

export interface Tracing {
  tracer: Tracer;
  /** Flushes and stops export; resolves within the flush timeout even if the collector hangs. Never rejects. */
  shutdown(): Promise<void>;
  /** Failed export attempts so far (including a flush that timed out). */
  exportFailures(): number;
  /** The bounded flush in effect. */
  readonly flushTimeoutMs: number;
  /** Which exporters are active, e.g. ['otlp'] or [] when disabled. */
  readonly exporters: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function warn(message: string): void {
  process.stderr.write(`argo-otel telemetry: ${message}\n`);
}

function resolveFlushTimeout(option: number | undefined, env: Env): number {
  if (option !== undefined) {
    if (Number.isFinite(option) && option > 0) return option;
    warn(`flushTimeoutMs ${option} is not a positive number; using ${DEFAULT_FLUSH_TIMEOUT_MS} ms`);
    return DEFAULT_FLUSH_TIMEOUT_MS;
  }
  const raw = env[FLUSH_TIMEOUT_ENV]?.trim();
  if (!raw) return DEFAULT_FLUSH_TIMEOUT_MS;
  const parsed = Number(raw);
  if (Number.isFinite(parsed) && parsed > 0) return parsed;
  warn(`${FLUSH_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a positive number of milliseconds; using ${DEFAULT_FLUSH_TIMEOUT_MS} ms`);
  return DEFAULT_FLUSH_TIMEOUT_MS;
}

/** The endpoint the OTLP exporter will use, per the spec's signal-specific-first rule. */
export function otlpEndpoint(env: Env): string {
  const pick = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);
  return pick(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? pick(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? 'http://localhost:4317';
}

/** Counts failed exports and logs the first one only, so a down collector cannot flood stderr. */
class CountingExporter implements SpanExporter {
  failures = 0;
  constructor(
    private readonly inner: SpanExporter,
    private readonly label: string,
  ) {}

  noteFailure(reason: string): void {
    this.failures += 1;
    if (this.failures === 1) warn(`export to ${this.label} failed (${reason}); further failures are counted, not logged`);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) this.noteFailure(result.error?.message ?? 'unknown error');
        resultCallback(result);
      });
    } catch (error) {
      this.noteFailure(String(error));
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown().catch((error: unknown) => this.noteFailure(`shutdown: ${String(error)}`));
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * OTEL_TRACES_EXPORTER=console writes one JSON line per span to **stderr**: stdout of the generate command carries
 * the manifests Argo CD reads, so the SDK's stdout ConsoleSpanExporter would corrupt them.
 */
class StderrSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const s of spans) {
      const ctx = s.spanContext();
      process.stderr.write(
        `${JSON.stringify({
          traceId: ctx.traceId,
          spanId: ctx.spanId,
          parentSpanId: s.parentSpanContext?.spanId,
          name: s.name,
          kind: s.kind,
          startTime: s.startTime,
          duration: s.duration,
          attributes: s.attributes,
          status: s.status,
          events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
          links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes })),
        })}\n`,
      );
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function envTimeoutSet(env: Env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT?.trim() || env.OTEL_EXPORTER_OTLP_TIMEOUT?.trim());
}

function buildOtlpExporter(env: Env, flushTimeoutMs: number): CountingExporter | undefined {
  const endpoint = otlpEndpoint(env);
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'grpc').toLowerCase();
  if (protocol !== 'grpc') {
    warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported (only grpc is built in); exporting OTLP/gRPC to ${endpoint}`);
  }
  try {
    const exporter = new OTLPTraceExporter({
      // A unix socket is a local sidecar/collector: TLS there is never wanted, and the exporter would default to it.
      ...(endpoint.startsWith('unix:') ? { credentials: credentials.createInsecure() } : {}),
      // Cap each export RPC by the flush budget unless the operator chose OTEL_EXPORTER_OTLP[_TRACES]_TIMEOUT.
      ...(envTimeoutSet(env) ? {} : { timeoutMillis: flushTimeoutMs }),
    });
    return new CountingExporter(exporter, endpoint);
  } catch (error) {
    warn(`cannot configure OTLP exporter for ${endpoint} (${String(error)}); spans will not be exported`);
    return undefined;
  }
}

function disabled(flushTimeoutMs: number, serviceName: string): Tracing {
  return {
    tracer: new ProxyTracerProvider().getTracer(serviceName),
    shutdown: () => Promise.resolve(),
    exportFailures: () => 0,
    flushTimeoutMs,
    exporters: [],
  };
}

/**
 * Sets up tracing for one process. Not registered globally: each caller passes `tracer` (and parent contexts)
 * explicitly, which keeps several instances (tests, the demo) independent.
 *
 * Env: OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER (otlp | console | none, comma list), OTEL_EXPORTER_OTLP[_TRACES]_
 * {ENDPOINT,HEADERS,INSECURE,TIMEOUT,COMPRESSION,CERTIFICATE...} (read by the OTLP exporter), OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES (override `serviceName`), OTEL_BSP_* (read by the batch processor), ARGO_OTEL_FLUSH_TIMEOUT_MS.
 * Sampling is always-on by design (OTEL_TRACES_SAMPLER is ignored): deployment spans are few, and a ratio sampler
 * would drop them independently of the pipeline trace they link to (links are not considered by samplers).
 */
export function startTracing(options: { serviceName: string; flushTimeoutMs?: number }): Tracing {
  const env: Env = process.env;
  const flushTimeoutMs = resolveFlushTimeout(options.flushTimeoutMs, env);
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return disabled(flushTimeoutMs, options.serviceName);

  const requested = (env.OTEL_TRACES_EXPORTER?.trim() || 'otlp')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const counting: CountingExporter[] = [];
  const processors: SpanProcessor[] = [];
  const active: string[] = [];
  for (const name of requested.includes('none') ? [] : [...new Set(requested)]) {
    if (name === 'otlp') {
      const exporter = buildOtlpExporter(env, flushTimeoutMs);
      if (!exporter) continue;
      counting.push(exporter);
      processors.push(new BatchSpanProcessor(exporter));
      active.push(name);
    } else if (name === 'console') {
      const exporter = new CountingExporter(new StderrSpanExporter(), 'stderr');
      counting.push(exporter);
      processors.push(new BatchSpanProcessor(exporter));
      active.push(name);
    } else {
      warn(`OTEL_TRACES_EXPORTER value ${JSON.stringify(name)} is not supported (use otlp, console or none); ignored`);
    }
  }
  if (processors.length === 0) return disabled(flushTimeoutMs, options.serviceName);

  // Precedence, lowest first: SDK defaults, the caller's service name, then OTEL_RESOURCE_ATTRIBUTES/OTEL_SERVICE_NAME.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    sampler: new AlwaysOnSampler(),
    idGenerator: new OverridableIdGenerator(),
    spanProcessors: processors,
  });

  let flushTimeouts = 0;
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        flushTimeouts += 1;
        warn(`flush did not finish within ${flushTimeoutMs} ms (set ${FLUSH_TIMEOUT_ENV} to change); spans may be lost`);
        resolve();
      }, flushTimeoutMs);
      timer.unref();
      provider.shutdown().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          counting[0]?.noteFailure(`shutdown: ${String(error)}`);
          resolve();
        },
      );
    });
    return stopping;
  };

  return {
    tracer: provider.getTracer('argo-otel'),
    shutdown,
    exportFailures: () => flushTimeouts + counting.reduce((n, c) => n + c.failures, 0),
    flushTimeoutMs,
    exporters: active,
  };
}
