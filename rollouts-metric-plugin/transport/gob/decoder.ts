import { DecoderCore, NO_MESSAGE, resolveLimits } from './decoder-core.js';
import type { GobLimits, MessageFeed } from './decoder-core.js';
import { GobEOFError, GobError } from './errors.js';
import { isBufferedByteSource } from './source.js';
import type { ByteSource } from './source.js';
import type { GobValue } from './values.js';
import type { WireType } from './wire.js';

/** Parses a message length prefix from `head`; returns [prefix bytes, body length] or undefined if incomplete. */
function parseLength(head: Buffer, maxMessageBytes: number): [number, number] | undefined {
  if (head.length === 0) return undefined;
  const b = head[0]!;
  if (b < 128) return checkLength(1, b, maxMessageBytes);
  const n = 256 - b;
  if (n > 8) throw new GobError('gob: encoded unsigned integer out of range (message length)');
  if (head.length < 1 + n) return undefined;
  let len = 0;
  for (let i = 1; i <= n; i++) len = len * 256 + head[i]!;
  return checkLength(1 + n, len, maxMessageBytes);
}

function checkLength(prefix: number, len: number, max: number): [number, number] {
  if (len > max) throw new GobError(`gob: invalid message length ${len} (limit ${max})`);
  if (len === 0) throw new GobError('gob: empty message');
  return [prefix, len];
}

function sticky(e: unknown): Error {
  if (e instanceof GobError) return e;
  // Our own invariants only: surface as a typed error rather than crash the caller's stream handling.
  return new GobError(`gob: internal error: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * One stream direction's gob Decoder over an async byte source (e.g. StreamByteSource over a yamux stream).
 * `decode()` resolves the next value; rejects GobEOFError at a clean end of stream; any other failure is a GobError
 * and is sticky (the stream is unusable afterwards, as in Go's net/rpc). Calls are serialised.
 */
export class GobDecoder {
  private readonly core: DecoderCore;
  private readonly source: ByteSource;
  private failed: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly queue: Buffer[] = [];
  private deferred: Error | undefined;

  constructor(source: ByteSource, limits?: Partial<GobLimits>) {
    this.source = source;
    this.core = new DecoderCore(resolveLimits(limits));
  }

  /** Type definitions received so far, keyed by the stream's ids. */
  get definitions(): ReadonlyMap<number, WireType> {
    return this.core.definitions;
  }

  decode(): Promise<GobValue> {
    const run = this.tail.then(() => this.decodeNow());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Decodes into nothing (Go's Decode(nil)): the value is dropped, its type definitions are kept. */
  async skip(): Promise<void> {
    await this.decode();
  }

  private async decodeNow(): Promise<GobValue> {
    if (this.failed !== undefined) throw this.failed;
    try {
      return await this.decodeAttempts();
    } catch (e) {
      if (e instanceof GobEOFError) throw e; // clean end: not a failure of the stream
      this.failed = sticky(e);
      throw this.failed;
    }
  }

  private async decodeAttempts(): Promise<GobValue> {
    const limits = this.core.limits;
    const messages: Buffer[] = [await this.pull(true)];
    for (;;) {
      const mark = this.core.mark();
      let i = 0;
      const feed: MessageFeed = {
        next: () => {
          if (i === messages.length) {
            const m = this.queue.shift() ?? (this.deferred === undefined ? this.readMessageSync() : undefined);
            if (m === undefined) return undefined;
            messages.push(m);
          }
          return messages[i++];
        },
      };
      try {
        const value = this.core.decodeValue(feed);
        // Messages read ahead but not part of this value (only in malformed streams) belong to the next one.
        this.queue.unshift(...messages.slice(this.core.consumed));
        return value;
      } catch (e) {
        if (e !== NO_MESSAGE) throw e;
      }
      // The value continues in messages not yet arrived: fetch them (definition messages come in runs), retry.
      this.core.rollback(mark);
      let m = await this.pull(false);
      messages.push(m);
      while (startsWithDefinition(m) && messages.length <= limits.maxMessagesPerValue) {
        try {
          m = await this.pull(true);
        } catch (e) {
          // A read-ahead failure matters only if the value turns out to need that message; keep it for then.
          this.deferred = e instanceof Error ? e : new GobError(String(e));
          break;
        }
        messages.push(m);
      }
      if (messages.length > limits.maxMessagesPerValue) throw new GobError(`gob: value spans more than ${limits.maxMessagesPerValue} messages`);
    }
  }

  /** The next message: read ahead earlier, or from the source. */
  private async pull(atBoundary: boolean): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    const d = this.deferred;
    if (d !== undefined) {
      if (d instanceof GobEOFError && !atBoundary) throw new GobError('gob: unexpected EOF');
      if (d instanceof GobEOFError) this.deferred = undefined; // clean end seen while reading ahead: report it once
      throw d;
    }
    return this.readMessage(atBoundary);
  }

  private readMessageSync(): Buffer | undefined {
    const s = this.source;
    if (!isBufferedByteSource(s) || s.buffered === 0) return undefined;
    const parsed = parseLength(s.peekSync(Math.min(9, s.buffered)), this.core.limits.maxMessageBytes);
    if (parsed === undefined || s.buffered < parsed[0] + parsed[1]) return undefined;
    return s.readSync(parsed[0] + parsed[1]).subarray(parsed[0]);
  }

  private async readMessage(atBoundary: boolean): Promise<Buffer> {
    const sync = this.readMessageSync();
    if (sync !== undefined) return sync;
    const first = await this.read(1, atBoundary);
    let parsed = parseLength(first, this.core.limits.maxMessageBytes);
    if (parsed === undefined) {
      const rest = await this.read(256 - first[0]!, false);
      parsed = parseLength(Buffer.concat([first, rest]), this.core.limits.maxMessageBytes)!;
    }
    return this.read(parsed[1], false);
  }

  private async read(n: number, atBoundary: boolean): Promise<Buffer> {
    try {
      return await this.source.readExactly(n);
    } catch (e) {
      if (e instanceof GobEOFError && !atBoundary) throw new GobError('gob: unexpected EOF');
      throw e;
    }
  }
}

/** Whether a message starts with a negative int (a type definition) — such a message is never a value's last. */
function startsWithDefinition(m: Buffer): boolean {
  const b = m[0]!;
  if (b < 128) return (b & 1) === 1;
  const n = 256 - b;
  return n <= 8 && m.length > n && (m[n]! & 1) === 1;
}

/**
 * The same decoder, synchronous, over bytes already in memory (tests, fuzzing, replay): `decode()` returns the next
 * value or throws GobEOFError at the clean end; `atEnd` tells whether any bytes remain.
 */
export class GobSyncDecoder {
  private readonly core: DecoderCore;
  private readonly data: Buffer;
  private pos = 0;
  private failed: Error | undefined;

  constructor(data: Uint8Array, limits?: Partial<GobLimits>) {
    this.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.core = new DecoderCore(resolveLimits(limits));
  }

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  get offset(): number {
    return this.pos;
  }

  get definitions(): ReadonlyMap<number, WireType> {
    return this.core.definitions;
  }

  decode(): GobValue {
    if (this.failed !== undefined) throw this.failed;
    const feed: MessageFeed = {
      next: () => {
        if (this.pos >= this.data.length) return undefined;
        const parsed = parseLength(this.data.subarray(this.pos, this.pos + 9), this.core.limits.maxMessageBytes);
        if (parsed === undefined || this.pos + parsed[0] + parsed[1] > this.data.length) {
          throw new GobError('gob: unexpected EOF');
        }
        const start = this.pos + parsed[0];
        this.pos = start + parsed[1];
        return this.data.subarray(start, this.pos);
      },
    };
    try {
      return this.core.decodeValue(feed);
    } catch (e) {
      if (e === NO_MESSAGE) {
        if (this.core.consumed === 0) throw new GobEOFError();
        this.failed = new GobError('gob: unexpected EOF');
      } else {
        this.failed = sticky(e);
      }
      throw this.failed;
    }
  }

  skip(): void {
    this.decode();
  }

  /** Every remaining value. */
  decodeAll(): GobValue[] {
    const out: GobValue[] = [];
    while (!this.atEnd) out.push(this.decode());
    return out;
  }
}
