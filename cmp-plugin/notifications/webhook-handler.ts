// HTTP edge for Argo CD notifications webhooks (mounted at POST /v1/argocd/sync-events): auth, size limit, JSON,
// then one SYNC span per completed operation. Never throws; every rejection is a 4xx whose body says why.
// notifications-engine retries only 5xx and network errors, so 4xx means "fix the config", 5xx means "try again".
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import { RecentKeys } from './recent-keys.js';
import { SyncEventError, isCompleted, parseSyncEvent, type CompletedPhase, type SyncEvent } from './sync-event.js';
import { resolveSyncLineage } from './sync-lineage.js';
import { recordSyncSpan, syncOperationKey } from './sync-span.js';

export const SYNC_EVENTS_PATH = '/v1/argocd/sync-events';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_DEDUPE_CAPACITY = 10_000;

export interface SyncWebhookOptions {
  tracer: Tracer;
  /** When set, requests must carry `Authorization: Bearer <secret>`. */
  sharedSecret?: string;
  /** Larger bodies get 413 (default 1 MiB; a sync of ~2000 resources fits). */
  maxBodyBytes?: number;
  /** How many recent operations are remembered for duplicate suppression (default 10 000). */
  dedupeCapacity?: number;
}

/** The JSON every response carries. */
export interface SyncWebhookResponse {
  status: 'recorded' | 'duplicate' | 'acknowledged' | 'rejected' | 'error';
  reason?: string;
  traceId?: string;
  spanId?: string;
  lineageSources?: Record<string, string>;
  warnings?: string[];
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

function send(res: ServerResponse, code: number, body: SyncWebhookResponse, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(code, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const reject = (res: ServerResponse, code: number, reason: string, headers?: Record<string, string>): void =>
  send(res, code, { status: 'rejected', reason }, headers);

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer[ \t]+(\S.*?)[ \t]*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  // Comparing fixed-length digests keeps the comparison constant-time regardless of the presented length.
  return timingSafeEqual(digest(match[1]), expected);
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true; // notifications-engine sets none unless configured
  const mime = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mime);
}

export function createSyncWebhookHandler(options: SyncWebhookOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new Error(`maxBodyBytes must be a positive integer, got ${String(options.maxBodyBytes)}`);
  }
  if (options.sharedSecret !== undefined && options.sharedSecret.trim() === '') {
    throw new Error('sharedSecret is empty; omit it to disable authentication or set a real secret');
  }
  const expected = options.sharedSecret === undefined ? undefined : digest(options.sharedSecret.trim());
  const seen = new RecentKeys<{ traceId: string; spanId: string }>(options.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY);

  function handleEvent(res: ServerResponse, event: SyncEvent): void {
    if (!isCompleted(event.phase)) {
      send(res, 202, {
        status: 'acknowledged',
        reason: `operation is ${event.phase}; the SYNC span is emitted when it completes (Succeeded, Failed or Error)`,
      });
      return;
    }
    const completed = event as SyncEvent & { phase: CompletedPhase };
    const key = syncOperationKey(completed);
    const earlier = seen.get(key);
    if (earlier) {
      send(res, 200, { status: 'duplicate', reason: 'this operation outcome was already recorded', ...earlier });
      return;
    }
    const lineage = resolveSyncLineage(completed);
    const ids = recordSyncSpan(options.tracer, completed, lineage);
    seen.add(key, ids);
    send(res, 200, {
      status: 'recorded',
      ...ids,
      lineageSources: { ...lineage.sources },
      ...(lineage.warnings.length ? { warnings: lineage.warnings } : {}),
    });
  }

  function handleBody(res: ServerResponse, bytes: Buffer): void {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      reject(res, 400, 'body is not valid UTF-8');
      return;
    }
    if (text.trim() === '') {
      reject(res, 400, 'body is empty; expected the argo-otel.io/sync-event/v1 JSON object');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      reject(res, 400, `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    let event: SyncEvent;
    try {
      event = parseSyncEvent(parsed);
    } catch (error) {
      if (error instanceof SyncEventError) {
        reject(res, 422, error.message);
        return;
      }
      throw error;
    }
    handleEvent(res, event);
  }

  return (req, res) => {
    const fail = (error: unknown): void => {
      process.stderr.write(`argo-otel sync webhook: internal error: ${String(error)}\n`);
      send(res, 500, { status: 'error', reason: 'internal error; the request can be retried' });
    };
    try {
      req.on('error', () => undefined); // a client that disconnects mid-body is not our error
      if (req.method !== 'POST') {
        req.resume();
        reject(res, 405, `method ${req.method ?? '?'} not allowed; use POST`, { allow: 'POST' });
        return;
      }
      if (expected && !authorized(req.headers.authorization, expected)) {
        req.resume();
        reject(res, 401, 'missing or wrong Authorization: Bearer <shared secret>', {
          'www-authenticate': 'Bearer realm="argo-otel"',
        });
        return;
      }
      if (!isJsonContentType(req.headers['content-type'])) {
        req.resume();
        reject(res, 415, `content-type ${JSON.stringify(req.headers['content-type'])} is not JSON; send application/json`);
        return;
      }
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      const tooLarge = (): void =>
        // Not reading the rest, so the connection cannot be reused.
        reject(res, 413, `body is larger than the limit of ${maxBodyBytes} bytes`, { connection: 'close' });
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        tooLarge();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > maxBodyBytes) {
          over = true;
          chunks.length = 0;
          tooLarge();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (over) return;
        try {
          handleBody(res, Buffer.concat(chunks));
        } catch (error) {
          fail(error);
        }
      });
    } catch (error) {
      fail(error);
    }
  };
}
