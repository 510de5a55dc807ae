// An HTTP service instrumented the OpenTelemetry way, playing stable or canary in tests and the demo: server spans
// from the OTel trace SDK, the `http.server.request.duration` histogram from the OTel metrics SDK, and a scrape
// endpoint in OpenMetrics with trace-id exemplars. The exposition is the OTel Prometheus exporter's serializer;
// exemplars are appended here because neither the JS metrics SDK nor its Prometheus exporter records them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, type Histogram, type Tracer } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { seededRandom } from './random.js';

/** Advisory buckets of http.server.request.duration (semconv). */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export interface RouteBehaviour {
  /** Share of requests answered 500. */
  errorRate: number;
  /** Base latency in seconds (recorded; the service does not actually sleep unless `sleep` is set). */
  latency: number;
  /** Share of requests that take `slowLatency` instead. */
  slowRate?: number;
  slowLatency?: number;
}

export interface OtelServiceOptions {
  serviceName: string;
  podTemplateHash: string;
  instanceId: string;
  routes: Record<string, RouteBehaviour>;
  /** Copy the hash resource attribute onto every series too (a "promoted" resource attribute). */
  promoteHash?: boolean;
  /** Extra resource attributes (e.g. ml.model.id). */
  resource?: Record<string, string>;
  /** Span processor for the service's own spans (e.g. to export them). */
  spanProcessor?: SpanProcessor;
  seed?: number;
}

export interface OtelService {
  url: string;
  /** Serve `count` requests to `route` in-process (as a load generator would, without sockets per request). */
  drive(route: string, count: number): Promise<void>;
  close(): Promise<void>;
  readonly served: number;
}

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

interface ExemplarSlot {
  traceId: string;
  spanId: string;
  value: number;
  at: number;
}

const HASH_ATTRIBUTE = 'k8s.pod.label.rollouts-pod-template-hash';

export async function startOtelService(options: OtelServiceOptions): Promise<OtelService> {
  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    'service.instance.id': options.instanceId,
    [HASH_ATTRIBUTE]: options.podTemplateHash,
    ...options.resource,
  });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const histogram: Histogram = meterProvider.getMeter('argo-otel-test-service').createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
  });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: options.spanProcessor ? [options.spanProcessor] : [] });
  const tracer: Tracer = tracerProvider.getTracer('argo-otel-test-service');
  const serializer = new PrometheusSerializer(undefined, false, options.promoteHash ? /^k8s\.pod\.label\./ : undefined);
  const exemplars = new Map<string, ExemplarSlot>();
  const random = seededRandom(options.seed ?? 1);
  let served = 0;

  function handle(route: string): { status: number; latency: number } {
    const behaviour = options.routes[route];
    if (!behaviour) return { status: 404, latency: 0.001 };
    const slow = behaviour.slowRate !== undefined && random() < behaviour.slowRate;
    const jitter = 0.8 + 0.4 * random();
    const latency = (slow ? (behaviour.slowLatency ?? behaviour.latency * 10) : behaviour.latency) * jitter;
    return { status: random() < behaviour.errorRate ? 500 : 200, latency };
  }

  function record(route: string): number {
    const { status, latency } = handle(route);
    const span = tracer.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.route': route, 'http.request.method': 'GET' } });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('http.response.status_code', status);
    const attributes: Record<string, string | number> = { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': status, 'url.scheme': 'http' };
    if (status >= 500) attributes['error.type'] = String(status);
    histogram.record(latency, attributes);
    const ctx = span.spanContext();
    const bucket = HTTP_DURATION_BUCKETS.findIndex((b) => latency <= b);
    const le = bucket === -1 ? '+Inf' : String(HTTP_DURATION_BUCKETS[bucket]);
    exemplars.set(`${route}|${status}|${le}`, { traceId: ctx.traceId, spanId: ctx.spanId, value: latency, at: Date.now() / 1000 });
    span.end();
    served++;
    return status;
  }

  async function scrape(): Promise<string> {
    const { resourceMetrics } = await reader.collect();
    const text = serializer.serialize(resourceMetrics);
    const out: string[] = [];
    for (const line of text.split('\n')) {
      // OpenMetrics allows only HELP/TYPE/UNIT/EOF comments, and a UNIT must be the name's suffix (the JS exporter
      // writes `s` for a name without `_seconds`), so keep only HELP and TYPE.
      if (line.startsWith('#') && !line.startsWith('# HELP') && !line.startsWith('# TYPE')) continue;
      const m = /^(\w+)_bucket\{(.*)\} (\S+)$/.exec(line);
      if (!m) {
        if (line !== '') out.push(line);
        continue;
      }
      const labels = Object.fromEntries([...(m[2] as string).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
      const slot = exemplars.get(`${labels['http_route']}|${labels['http_response_status_code']}|${labels['le']}`);
      out.push(slot ? `${line} # {trace_id="${slot.traceId}",span_id="${slot.spanId}"} ${slot.value} ${slot.at.toFixed(3)}` : line);
    }
    out.push('# EOF');
    return `${out.join('\n')}\n`;
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === '/metrics') {
      scrape().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
      return;
    }
    const status = record(path);
    res.writeHead(status);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get served() {
      return served;
    },
    async drive(route, count) {
      for (let i = 0; i < count; i++) record(route);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

