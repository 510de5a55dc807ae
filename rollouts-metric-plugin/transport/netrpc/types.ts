// The net/rpc framing types (Go stdlib net/rpc: Request, Response, and the `invalidRequest` error body).
import { isGobStruct, t } from '../gob/index.js';
import type { GobValue } from '../gob/index.js';

export const RequestHeaderType = t.struct('Request', [
  ['ServiceMethod', t.string],
  ['Seq', t.uint],
]);

export const ResponseHeaderType = t.struct('Response', [
  ['ServiceMethod', t.string],
  ['Seq', t.uint],
  ['Error', t.string],
]);

/** Go's `invalidRequest = struct{}{}`: the body sent with every error response (an unnamed empty struct). */
export const EmptyStructType = t.struct('', []);

export type Seq = number | bigint;

export interface Header {
  serviceMethod: string;
  seq: Seq;
  /** Responses only; "" means success. */
  error: string;
}

/** Reads a decoded Request/Response header; absent fields are Go zero values. Throws naming what is wrong. */
export function readHeader(value: GobValue, kind: 'request' | 'response'): Header {
  if (!isGobStruct(value)) throw new Error(`${kind} header is not a struct`);
  const serviceMethod = value.ServiceMethod ?? '';
  const seq = value.Seq ?? 0;
  const error = value.Error ?? '';
  if (typeof serviceMethod !== 'string') throw new Error(`${kind} header field ServiceMethod is not a string`);
  if (typeof seq !== 'number' && typeof seq !== 'bigint') throw new Error(`${kind} header field Seq is not a uint`);
  if (typeof error !== 'string') throw new Error(`${kind} header field Error is not a string`);
  return { serviceMethod, seq, error };
}
