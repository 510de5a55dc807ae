// A real OTLP/gRPC trace receiver (the TraceService/Export rpc a collector serves), for tests and `npm run demo`.
// No npm package decodes ExportTraceServiceRequest any more (dependencies.md §1), so we load our proto subset.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** Span kinds as OTLP numbers them (SPAN_KIND_*). */
export const OtlpSpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** Status codes as OTLP numbers them (STATUS_CODE_*). */
export const OtlpStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface ReceivedEvent {
  name: string;
  /** Unix time in nanoseconds. */
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface ReceivedLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  flags: number;
}

export interface ReceivedSpan {
  /** Lowercase hex (32 chars). */
  traceId: string;
  /** Lowercase hex (16 chars). */
  spanId: string;
  /** Lowercase hex, '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OtlpSpanKind number. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: ReceivedEvent[];
  links: ReceivedLink[];
  status: { code: number; message: string };
  flags: number;
  resource: Attributes;
  scope: { name: string; version: string };
}

export interface OtlpReceiver {
  /** What an exporter's url/endpoint should be: `http://127.0.0.1:<port>` or `unix:///abs/path`. */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** gRPC metadata of each Export call (e.g. OTEL_EXPORTER_OTLP_HEADERS arrive here), in arrival order. */
  requestMetadata: Record<string, string>[];
  /** Resolves with the matching spans once predicate holds over all spans received; rejects after timeoutMs. */
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

// proto-loader output with `longs: String, bytes: Buffer, enums: Number, oneofs: true`.
interface WireAnyValue {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: WireAnyValue[] };
  kvlistValue?: { values?: WireKeyValue[] };
  bytesValue?: Buffer;
}
interface WireKeyValue {
  key?: string;
  value?: WireAnyValue;
}
interface WireSpan {
  traceId?: Buffer;
  spanId?: Buffer;
  traceState?: string;
  parentSpanId?: Buffer;
  flags?: number;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: WireKeyValue[];
  events?: { timeUnixNano?: string; name?: string; attributes?: WireKeyValue[] }[];
  links?: { traceId?: Buffer; spanId?: Buffer; traceState?: string; attributes?: WireKeyValue[]; flags?: number }[];
  status?: { message?: string; code?: number };
}
interface WireRequest {
  resourceSpans?: {
    resource?: { attributes?: WireKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: WireSpan[] }[];
  }[];
}

function protoRoot(): string {
  // Source (telemetry/) and build output (dist/telemetry/) sit at different depths below the repo root.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', join('..', '..')]) {
    const candidate = join(here, up, 'proto', 'otlp');
    if (existsSync(join(candidate, 'opentelemetry/proto/collector/trace/v1/trace_service.proto'))) return candidate;
  }
  throw new Error(`OTLP protos not found above ${here} (expected proto/otlp/ at the repo root)`);
}

function anyValue(v: WireAnyValue | undefined): AttributeValue {
  switch (v?.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ?? false;
    case 'intValue': {
      // int64: keep exact beyond 2^53 as a decimal string.
      const n = BigInt(v.intValue ?? '0');
      return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
    }
    case 'doubleValue':
      return v.doubleValue ?? 0;
    case 'arrayValue':
      return (v.arrayValue?.values ?? []).map(anyValue);
    case 'kvlistValue':
      return attributes(v.kvlistValue?.values);
    case 'bytesValue':
      return (v.bytesValue ?? Buffer.alloc(0)).toString('base64');
    default:
      return null;
  }
}

function attributes(kvs: WireKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) out[kv.key ?? ''] = anyValue(kv.value);
  return out;
}

const hex = (b: Buffer | undefined): string => (b ?? Buffer.alloc(0)).toString('hex');

/** Flattens one Export request into spans (pure; exported for unit tests). */
export function decodeExportRequest(request: WireRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          traceState: s.traceState ?? '',
          name: s.name ?? '',
          kind: s.kind ?? 0,
          startTimeUnixNano: BigInt(s.startTimeUnixNano ?? '0'),
          endTimeUnixNano: BigInt(s.endTimeUnixNano ?? '0'),
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map((e) => ({
            name: e.name ?? '',
            timeUnixNano: BigInt(e.timeUnixNano ?? '0'),
            attributes: attributes(e.attributes),
          })),
          links: (s.links ?? []).map((l) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
            traceState: l.traceState ?? '',
            attributes: attributes(l.attributes),
            flags: l.flags ?? 0,
          })),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          flags: s.flags ?? 0,
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/**
 * Starts the receiver. `address`: `127.0.0.1:<port>` (default port 0 = any free port) or `unix:///abs/path.sock`.
 * Other hosts are refused: servers listen only on loopback or unix sockets.
 */
export async function startOtlpReceiver(options: { address?: string } = {}): Promise<OtlpReceiver> {
  const address = options.address ?? '127.0.0.1:0';
  const isUnix = address.startsWith('unix:');
  if (!isUnix && !/^127\.0\.0\.1:\d{1,5}$/.test(address)) {
    throw new Error(`OTLP receiver address must be 127.0.0.1:<port> or unix:///<path>, got ${JSON.stringify(address)}`);
  }
  const root = protoRoot();
  const definition = protoLoader.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', {
    includeDirs: [root],
    longs: String,
    bytes: Buffer,
    enums: Number,
    oneofs: true,
    defaults: false,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    opentelemetry: { proto: { collector: { trace: { v1: { TraceService: grpc.ServiceClientConstructor } } } } };
  };
  const service = pkg.opentelemetry.proto.collector.trace.v1.TraceService.service;

  const spans: ReceivedSpan[] = [];
  const requestMetadata: Record<string, string>[] = [];
  const waiters = new Set<() => void>();
  const server = new grpc.Server();
  server.addService(service, {
    Export(call: grpc.ServerUnaryCall<WireRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
      try {
        const md: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap())) md[k] = Buffer.isBuffer(v) ? v.toString('base64') : String(v);
        requestMetadata.push(md);
        spans.push(...decodeExportRequest(call.request));
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `cannot decode spans: ${String(error)}` });
        return;
      }
      callback(null, {});
      for (const wake of [...waiters]) wake();
    },
  });

  if (isUnix) {
    // grpc-js does not remove a stale socket file from a crashed run, and bind would fail on it.
    const path = address.replace(/^unix:(\/\/)?/, '');
    if (existsSync(path)) {
      if (!lstatSync(path).isSocket()) throw new Error(`OTLP receiver: ${path} exists and is not a socket; refusing to replace it`);
      unlinkSync(path);
    }
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const endpoint = isUnix ? address : `http://127.0.0.1:${port}`;

  return {
    endpoint,
    spans,
    requestMetadata,
    waitForSpans(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          let met: boolean;
          try {
            met = predicate(spans);
          } catch (error) {
            // A throwing predicate is the test's failure: report it now, not as a timeout (or a failed Export).
            cleanup();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          if (!met) return;
          cleanup();
          resolve([...spans]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`OTLP receiver: condition not met within ${timeoutMs} ms; got ${spans.length} span(s): ${spans.map((s) => s.name).join(', ')}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = check;
        waiters.add(wake);
        check();
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        // Bounded: a stuck client must not keep the receiver (and a test) open forever.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
