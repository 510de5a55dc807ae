// The Prometheus-compatible query API (Prometheus, Mimir, Thanos, VictoriaMetrics) as the judge's backend.
// Every call is bounded by the configured timeout and the caller's signal; failures come back as error results
// that say what went wrong, never as a thrown error or a pass.
import { readFile } from 'node:fs/promises';
import type { BackendConfig } from '../judge/config.js';
import type { PlannedQuery } from '../judge/plan.js';
import { parseExemplarsResponse, parseQueryResponse, type Exemplar, type QueryResult } from '../judge/results.js';

export interface PrometheusClientOptions {
  backend: BackendConfig;
  /** Reads env vars (injected for tests); defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads a token file (injected for tests). */
  readTokenFile?: (path: string) => Promise<string>;
  fetch?: typeof fetch;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The trimmed token, or an error naming its source: fetch would refuse it in a header (never echo the token). */
function usableToken(raw: string, source: string): string {
  const token = raw.trim();
  if (token === '') throw new Error(`${source} holds an empty token`);
  if (/[\0\r\n\u0100-\uffff]/.test(token)) throw new Error(`${source} holds a token with a line break, NUL or non-byte character`);
  return token;
}

export class PrometheusClient {
  private readonly fetchImpl: typeof fetch;
  private tokenPromise: Promise<string | undefined> | undefined;

  constructor(private readonly options: PrometheusClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Address for messages: never includes credentials. */
  get address(): string {
    const u = new URL(this.options.backend.address);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  }

  private token(): Promise<string | undefined> {
    this.tokenPromise ??= (async () => {
      const b = this.options.backend;
      if (b.bearerTokenEnv) {
        const v = (this.options.env ?? process.env)[b.bearerTokenEnv];
        if (!v) throw new Error(`backend.bearerTokenEnv: env var ${b.bearerTokenEnv} is not set`);
        return usableToken(v, `backend.bearerTokenEnv: env var ${b.bearerTokenEnv}`);
      }
      if (b.bearerTokenFile) {
        let text: string;
        try {
          text = await (this.options.readTokenFile ?? ((p) => readFile(p, 'utf8')))(b.bearerTokenFile);
        } catch (err) {
          throw new Error(`backend.bearerTokenFile: cannot read ${b.bearerTokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        return usableToken(text, `backend.bearerTokenFile: ${b.bearerTokenFile}`);
      }
      return undefined;
    })();
    return this.tokenPromise;
  }

  private async get(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<{ ok: true; body: unknown } | { ok: false; error: string }> {
    const url = `${this.options.backend.address}${path}?${new URLSearchParams(params).toString()}`;
    let token: string | undefined;
    try {
      token = await this.token();
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const timeout = AbortSignal.timeout(this.options.backend.timeoutSeconds * 1000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.backend.headers };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: 'GET', headers, signal: combined });
    } catch (err) {
      if (timeout.aborted) return { ok: false, error: `${this.address} did not answer within ${this.options.backend.timeoutSeconds}s` };
      if (signal?.aborted) return { ok: false, error: 'measurement deadline passed before the backend answered' };
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, error: `${this.address} unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
    }
    let text: string;
    try {
      const length = Number(res.headers.get('content-length') ?? 0);
      if (length > MAX_BODY_BYTES) return { ok: false, error: `${this.address} answered ${length} bytes, more than ${MAX_BODY_BYTES}` };
      text = await res.text();
    } catch (err) {
      return { ok: false, error: `${this.address}: reading the answer failed: ${(err as Error).message}` };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, error: `${this.address} answered HTTP ${res.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}` };
    }
    if (!res.ok) {
      // `null` is valid JSON too: reading a field of it would throw past the "never thrown" promise above.
      const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; errorType?: unknown };
      const detail = typeof b.error === 'string' ? `${typeof b.errorType === 'string' ? `${b.errorType}: ` : ''}${b.error}` : `HTTP ${res.status}`;
      return { ok: false, error: `${this.address} answered HTTP ${res.status}: ${detail}` };
    }
    return { ok: true, body };
  }

  /** Run one planned query (instant or range). */
  async run(q: PlannedQuery, signal?: AbortSignal): Promise<QueryResult> {
    const r =
      q.kind === 'instant'
        ? await this.get('/api/v1/query', { query: q.query, time: String(q.time) }, signal)
        : await this.get('/api/v1/query_range', { query: q.query, start: String(q.start ?? q.time), end: String(q.time), step: String(q.step ?? 15) }, signal);
    if (!r.ok) return { ok: false, error: r.error };
    return parseQueryResponse(r.body);
  }

  /** Run many queries at once (bounded concurrency), keyed by their plan keys. */
  async runAll(queries: readonly PlannedQuery[], signal?: AbortSignal, concurrency = 8): Promise<Record<string, QueryResult>> {
    const out: Record<string, QueryResult> = {};
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queries.length) {
        const q = queries[next++] as PlannedQuery;
        out[q.key] = await this.run(q, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queries.length) }, worker));
    return out;
  }

  async exemplars(query: string, start: number, end: number, signal?: AbortSignal): Promise<{ ok: true; exemplars: Exemplar[] } | { ok: false; error: string }> {
    const r = await this.get('/api/v1/query_exemplars', { query, start: String(start), end: String(end) }, signal);
    if (!r.ok) return r;
    return parseExemplarsResponse(r.body);
  }
}
