import { GobEOFError, GobError } from './errors.js';

/** Where a GobDecoder reads bytes from. */
export interface ByteSource {
  /** Resolves exactly n bytes; rejects GobEOFError if the stream ends cleanly before any of them, GobError if midway. */
  readExactly(n: number): Promise<Buffer>;
}

/** A source that can also hand over bytes it already holds without waiting (lets the decoder skip retries). */
export interface BufferedByteSource extends ByteSource {
  readonly buffered: number;
  /** The first n buffered bytes, not consumed; n ≤ buffered. */
  peekSync(n: number): Buffer;
  /** Consumes n buffered bytes; n ≤ buffered. */
  readSync(n: number): Buffer;
}

export function isBufferedByteSource(s: ByteSource): s is BufferedByteSource {
  return typeof (s as Partial<BufferedByteSource>).peekSync === 'function'
    && typeof (s as Partial<BufferedByteSource>).readSync === 'function';
}

/** Bytes queued from a Node readable (e.g. a yamux stream), with backpressure: pauses it past highWaterMark. */
export class StreamByteSource implements BufferedByteSource {
  private readonly chunks: Buffer[] = [];
  private head = 0;
  private size = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private readonly readable: NodeJS.ReadableStream;
  private readonly highWaterMark: number;

  constructor(readable: NodeJS.ReadableStream, highWaterMark = 1 << 20) {
    this.readable = readable;
    this.highWaterMark = highWaterMark;
    readable.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (b.length === 0) return;
      this.chunks.push(b);
      this.size += b.length;
      if (this.size > this.highWaterMark && !this.wantsMore()) readable.pause();
      this.settle();
    });
    readable.on('end', () => {
      this.ended = true;
      this.settle();
    });
    readable.on('close', () => {
      this.ended = true;
      this.settle();
    });
    readable.on('error', (err: Error) => {
      this.failure = new GobError(`gob: read failed: ${err.message}`);
      this.settle();
    });
  }

  get buffered(): number {
    return this.size;
  }

  private wantsMore(): boolean {
    return this.waiter !== undefined && this.waiter.n > this.size;
  }

  private settle(): void {
    const w = this.waiter;
    if (w === undefined) return;
    if (this.size >= w.n) {
      this.waiter = undefined;
      w.resolve(this.readSync(w.n));
    } else if (this.failure !== undefined) {
      this.waiter = undefined;
      w.reject(this.failure);
    } else if (this.ended) {
      this.waiter = undefined;
      w.reject(this.size === 0 ? new GobEOFError() : new GobError(`gob: unexpected EOF: wanted ${w.n} bytes, stream ended after ${this.size}`));
    }
  }

  readExactly(n: number): Promise<Buffer> {
    if (this.waiter !== undefined) return Promise.reject(new GobError('gob: concurrent reads on one StreamByteSource'));
    if (this.size >= n) return Promise.resolve(this.readSync(n));
    return new Promise<Buffer>((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      // Allow one message larger than the high-water mark through.
      this.readable.resume();
      this.settle();
    });
  }

  peekSync(n: number): Buffer {
    if (n > this.size) throw new GobError(`gob: peek of ${n} bytes with only ${this.size} buffered`);
    const first = this.chunks[0]!;
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    for (let i = 0; at < n; i++) {
      const c = this.chunks[i]!;
      const from = i === 0 ? this.head : 0;
      const take = Math.min(c.length - from, n - at);
      c.copy(out, at, from, from + take);
      at += take;
    }
    return out;
  }

  readSync(n: number): Buffer {
    const out = n === 0 ? Buffer.alloc(0) : this.peekSync(n);
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      const avail = c.length - this.head;
      if (avail > left) {
        this.head += left;
        left = 0;
      } else {
        left -= avail;
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.size -= n;
    if (this.size <= this.highWaterMark && !this.ended) this.readable.resume();
    return out;
  }
}

/** A whole stream already in memory, as a ByteSource (tests, replay, benchmarks). */
export class BufferByteSource implements BufferedByteSource {
  private pos = 0;
  private readonly data: Buffer;

  constructor(data: Uint8Array) {
    this.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  get buffered(): number {
    return this.data.length - this.pos;
  }

  readExactly(n: number): Promise<Buffer> {
    if (this.buffered >= n) return Promise.resolve(this.readSync(n));
    const had = this.buffered;
    this.pos = this.data.length;
    return Promise.reject(had === 0 ? new GobEOFError() : new GobError(`gob: unexpected EOF: wanted ${n} bytes, stream ended after ${had}`));
  }

  peekSync(n: number): Buffer {
    return this.data.subarray(this.pos, this.pos + n);
  }

  readSync(n: number): Buffer {
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
