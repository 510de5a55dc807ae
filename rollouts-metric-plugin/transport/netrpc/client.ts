// A net/rpc client codec over one stream (Go's rpc.Client with the gob codec), for tests and tools.
import type { Duplex } from 'node:stream';
import { GobDecoder, GobEncoder, StreamByteSource } from '../gob/index.js';
import type { ByteSource, GobValue, GoType } from '../gob/index.js';
import { RequestHeaderType, readHeader } from './types.js';

/** The error string a server put in the response header (Go's rpc.ServerError). */
export class ServerError extends Error {
  override readonly name = 'ServerError';
}

interface Pending {
  serviceMethod: string;
  resolve(value: GobValue): void;
  reject(err: Error): void;
}

export class NetRpcClient {
  readonly #stream: Duplex;
  readonly #encoder = new GobEncoder();
  readonly #pending = new Map<bigint, Pending>();
  #nextSeq = 0n;
  #shutdown: Error | undefined;

  constructor(stream: Duplex, source?: ByteSource) {
    this.#stream = stream;
    stream.on('error', (err: Error) => this.#fail(err));
    void this.#readLoop(new GobDecoder(source ?? new StreamByteSource(stream)));
  }

  /** Sends one request; resolves with the decoded reply body or rejects with ServerError / a transport error. */
  call(serviceMethod: string, argType: GoType, arg: unknown): Promise<GobValue> {
    if (this.#shutdown) return Promise.reject(new Error(`connection is shut down: ${this.#shutdown.message}`));
    const seq = this.#nextSeq;
    let bytes: Buffer;
    try {
      // All or nothing: an argument that cannot be encoded leaves no half-sent type definitions behind.
      bytes = this.#encoder.encodeMany([
        [RequestHeaderType, { ServiceMethod: serviceMethod, Seq: seq }],
        [argType, arg],
      ]);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    this.#nextSeq++;
    return new Promise<GobValue>((resolve, reject) => {
      this.#pending.set(seq, { serviceMethod, resolve, reject });
      this.#stream.write(bytes);
    });
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Half-closes the stream; replies already on their way still arrive. */
  close(): void {
    this.#stream.end();
  }

  #fail(err: Error): void {
    this.#shutdown ??= err;
    for (const call of this.#pending.values()) call.reject(new Error(`connection is shut down: ${err.message}`));
    this.#pending.clear();
  }

  async #readLoop(decoder: GobDecoder): Promise<void> {
    try {
      for (;;) {
        const header = readHeader(await decoder.decode(), 'response');
        const body = await decoder.decode();
        const seq = BigInt(header.seq);
        const call = this.#pending.get(seq);
        if (!call) throw new Error(`response for unknown seq ${seq} (${header.serviceMethod})`);
        this.#pending.delete(seq);
        if (header.error !== '') call.reject(new ServerError(header.error));
        else call.resolve(body);
      }
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
