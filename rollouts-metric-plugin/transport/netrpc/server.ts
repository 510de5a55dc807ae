// A net/rpc server codec over one stream, behaving like Go's rpc.Server.ServeCodec with the gob codec: one gob
// decoder and one gob encoder for the stream's life, every request in its own task, answers in completion order.
import type { Duplex } from 'node:stream';
import { GobDecoder, GobEOFError, GobEncoder, StreamByteSource } from '../gob/index.js';
import type { ByteSource, GobLimits, GobValue, GoType } from '../gob/index.js';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { EmptyStructType, ResponseHeaderType, readHeader } from './types.js';
import type { Header, Seq } from './types.js';

export interface Reply {
  type: GoType;
  value: unknown;
}

export interface CallInfo {
  serviceMethod: string;
  seq: Seq;
}

/** A method: resolves to the reply body; a rejection becomes the response's Error string (body struct{}). */
export type Handler = (body: GobValue, call: CallInfo) => Promise<Reply>;
export type Service = Readonly<Record<string, Handler>>;

export interface ServeOptions {
  /** Bytes already wrapped (e.g. after the broker read its 4-byte id from the same source). */
  source?: ByteSource;
  logger?: Logger;
  limits?: Partial<GobLimits>;
}

export interface ServeResult {
  requests: number;
  /** Why the stream ended: 'eof' when the peer closed cleanly, else the reason it was closed. */
  ended: 'eof' | string;
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // An empty Error string would read as success on the Go side.
  return text === '' ? 'error' : text;
}

export class NetRpcServer {
  readonly #services = new Map<string, Service>();

  register(name: string, service: Service): this {
    if (name === '' || name.includes('.')) throw new Error(`service name "${name}" must be non-empty without "."`);
    if (this.#services.has(name)) throw new Error(`rpc: service already defined: ${name}`);
    this.#services.set(name, service);
    return this;
  }

  /** Go's lookup, with Go's error texts (net/rpc server.go readRequestHeader). */
  resolve(serviceMethod: string): Handler | string {
    const dot = serviceMethod.lastIndexOf('.');
    if (dot < 0) return `rpc: service/method request ill-formed: ${serviceMethod}`;
    const service = this.#services.get(serviceMethod.slice(0, dot));
    if (!service) return `rpc: can't find service ${serviceMethod}`;
    const method = serviceMethod.slice(dot + 1);
    const handler = Object.hasOwn(service, method) ? service[method] : undefined;
    if (!handler) return `rpc: can't find method ${serviceMethod}`;
    return handler;
  }

  /** Serves until the peer half-closes (then answers what is in flight and ends) or the stream breaks. */
  async serve(stream: Duplex, options: ServeOptions = {}): Promise<ServeResult> {
    const log = options.logger ?? silentLogger;
    const decoder = new GobDecoder(options.source ?? new StreamByteSource(stream), options.limits);
    const encoder = new GobEncoder();
    const inFlight = new Set<Promise<void>>();
    let requests = 0;
    let ended: ServeResult['ended'] = 'eof';
    let broken = false;
    stream.on('error', (err: Error) => {
      broken = true;
      log.debug('rpc stream error', { error: err.message });
    });

    // Header and body as one all-or-nothing encode (Go's codec writes the same bytes): a reply that cannot be
    // encoded commits none of its type definitions, so the error response written instead keeps the stream sound.
    const encodeResponse = (header: Header, errorText: string, body: Reply): Buffer =>
      encoder.encodeMany([
        [ResponseHeaderType, { ServiceMethod: header.serviceMethod, Seq: header.seq, Error: errorText }],
        [body.type, body.value],
      ]);

    const respond = (header: Header, reply: Reply | undefined, error: string): void => {
      if (broken || stream.destroyed || stream.writableEnded) return;
      let errorText = error;
      let bytes: Buffer | undefined;
      if (errorText === '' && reply) {
        try {
          bytes = encodeResponse(header, '', reply);
        } catch (err) {
          errorText = `rpc: cannot encode reply for ${header.serviceMethod}: ${errorMessage(err)}`;
          log.error('cannot encode reply', { method: header.serviceMethod, error: errorMessage(err) });
        }
      }
      bytes ??= encodeResponse(header, errorText, { type: EmptyStructType, value: {} });
      // One write, so responses to concurrent calls never interleave.
      stream.write(bytes);
    };

    for (;;) {
      let header: Header;
      let body: GobValue;
      try {
        header = readHeader(await decoder.decode(), 'request');
      } catch (err) {
        if (!(err instanceof GobEOFError) && !broken) {
          ended = `rpc: server cannot decode request: ${errorMessage(err)}`;
          log.warn('closing rpc stream', { reason: ended });
        }
        break;
      }
      try {
        // Always read the body, even for an unknown method, so the gob stream stays in step.
        body = await decoder.decode();
      } catch (err) {
        ended = `rpc: cannot decode body of ${header.serviceMethod}: ${errorMessage(err)}`;
        log.warn('closing rpc stream', { reason: ended });
        break;
      }
      requests++;
      const handler = this.resolve(header.serviceMethod);
      if (typeof handler === 'string') {
        log.debug('rpc request refused', { method: header.serviceMethod, error: handler });
        respond(header, undefined, handler);
        continue;
      }
      const task = (async () => {
        try {
          respond(header, await handler(body, { serviceMethod: header.serviceMethod, seq: header.seq }), '');
        } catch (err) {
          respond(header, undefined, errorMessage(err));
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    }
    // Like Go's ServeCodec: finish the calls in flight before closing our side.
    await Promise.allSettled([...inFlight]);
    if (ended === 'eof' && !broken) stream.end();
    else stream.destroy();
    return { requests, ended };
  }
}
