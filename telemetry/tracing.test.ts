// Env handling of startTracing without a collector: which exporters are active and what goes to stderr.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FLUSH_TIMEOUT_MS, otlpEndpoint, startTracing } from './tracing.js';

const KEYS = ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER', 'ARGO_OTEL_FLUSH_TIMEOUT_MS', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

function setEnv(vars: Record<string, string | undefined>): void {
  for (const k of KEYS) delete process.env[k];
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
}

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.restoreAllMocks();
});

describe('startTracing env', () => {
  it('OTEL_SDK_DISABLED=true gives a no-op tracer whose spans are not recorded', async () => {
    setEnv({ OTEL_SDK_DISABLED: 'TRUE' });
    const t = startTracing({ serviceName: 's' });
    expect(t.exporters).toEqual([]);
    expect(t.tracer.startSpan('x').isRecording()).toBe(false);
    await t.shutdown();
  });

  it('OTEL_TRACES_EXPORTER=none disables export; unknown names are warned about and ignored', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    setEnv({ OTEL_TRACES_EXPORTER: 'none' });
    expect(startTracing({ serviceName: 's' }).exporters).toEqual([]);
    setEnv({ OTEL_TRACES_EXPORTER: 'zipkin' });
    expect(startTracing({ serviceName: 's' }).exporters).toEqual([]);
    expect(writes.join('')).toContain('"zipkin" is not supported');
  });

  it('console writes spans as JSON lines to stderr, never stdout (stdout carries manifests)', async () => {
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    setEnv({ OTEL_TRACES_EXPORTER: 'console' });
    const t = startTracing({ serviceName: 's' });
    expect(t.exporters).toEqual(['console']);
    t.tracer.startSpan('console-span', { attributes: { k: 'v' } }).end();
    await t.shutdown();
    const line = err.find((l) => l.includes('console-span'));
    expect(line && JSON.parse(line)).toMatchObject({ name: 'console-span', attributes: { k: 'v' } });
    expect(out).toEqual([]);
  });

  it('flush timeout: option, then ARGO_OTEL_FLUSH_TIMEOUT_MS, then the default; bad values fall back with a warning', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    setEnv({ OTEL_TRACES_EXPORTER: 'none', ARGO_OTEL_FLUSH_TIMEOUT_MS: '750' });
    expect(startTracing({ serviceName: 's' }).flushTimeoutMs).toBe(750);
    expect(startTracing({ serviceName: 's', flushTimeoutMs: 300 }).flushTimeoutMs).toBe(300);
    setEnv({ OTEL_TRACES_EXPORTER: 'none', ARGO_OTEL_FLUSH_TIMEOUT_MS: 'soon' });
    expect(startTracing({ serviceName: 's' }).flushTimeoutMs).toBe(DEFAULT_FLUSH_TIMEOUT_MS);
    expect(startTracing({ serviceName: 's', flushTimeoutMs: -1 }).flushTimeoutMs).toBe(DEFAULT_FLUSH_TIMEOUT_MS);
  });

  it('warns that a non-gRPC OTLP protocol is not built in, and still exports over gRPC', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    setEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1' });
    const t = startTracing({ serviceName: 's', flushTimeoutMs: 200 });
    expect(t.exporters).toEqual(['otlp']);
    expect(writes.join('')).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf is not supported');
    await t.shutdown();
  });

  it('picks the traces endpoint before the generic one', () => {
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ' unix:///s.sock ' })).toBe('unix:///s.sock');
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' })).toBe('http://a:4317');
    expect(otlpEndpoint({})).toBe('http://localhost:4317');
  });
});
