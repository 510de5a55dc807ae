import { GobError } from './errors.js';

const TWO_POW_53 = 2 ** 53;

/** Cursor over one gob message's bytes; every read checks bounds and throws GobError naming what ran out. */
export class MessageReader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
  }

  /** Replaces the bytes with the next message (Go reuses one buffer across the messages of a type sequence). */
  load(buf: Buffer): void {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** gob uint as number when ≤ 2^53−1, else bigint. */
  uint(): number | bigint {
    if (this.pos >= this.end) throw new GobError('gob: unexpected end of message reading an unsigned integer');
    const b = this.buf[this.pos++]!;
    if (b < 128) return b;
    const n = 256 - b;
    if (n > 8) throw new GobError('gob: encoded unsigned integer out of range');
    if (this.end - this.pos < n) throw new GobError(`gob: invalid uint data length ${n}: exceeds input size ${this.end - this.pos}`);
    let x = 0;
    if (n <= 6) {
      for (let i = 0; i < n; i++) x = x * 256 + this.buf[this.pos++]!;
      return x;
    }
    let big = 0n;
    for (let i = 0; i < n; i++) big = (big << 8n) | BigInt(this.buf[this.pos++]!);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  /** A uint that must be a small non-negative count/length (≤ limit), as a number. */
  count(limit: number, what: string): number {
    const u = this.uint();
    if (typeof u === 'bigint' || u > limit) throw new GobError(`gob: ${what} ${u} exceeds limit ${limit}`);
    return u;
  }

  /** A length that must also fit in what is left of the message (Go's getLength). */
  length(what: string): number {
    const u = this.uint();
    if (typeof u === 'bigint' || u > this.end - this.pos) {
      throw new GobError(`gob: invalid ${what} length ${u}: exceeds input size ${this.end - this.pos}`);
    }
    return u;
  }

  int(): number | bigint {
    const u = this.uint();
    if (typeof u === 'number') {
      // Zig-zag decode without 32-bit bit operators (u may exceed 2^31).
      const half = Math.floor(u / 2);
      return u % 2 === 1 ? -half - 1 : half;
    }
    const half = u >> 1n;
    const v = (u & 1n) === 1n ? -half - 1n : half;
    return v >= -BigInt(TWO_POW_53 - 1) && v <= BigInt(TWO_POW_53 - 1) ? Number(v) : v;
  }

  /** A type id or other int that must be a safe number. */
  smallInt(what: string): number {
    const v = this.int();
    if (typeof v === 'bigint' || v > 0x7fffffff || v < -0x7fffffff) throw new GobError(`gob: ${what} ${v} out of range`);
    return v;
  }

  float(): number {
    if (this.pos >= this.end) throw new GobError('gob: unexpected end of message reading a float');
    const b = this.buf[this.pos++]!;
    const scratch = FLOAT_SCRATCH;
    scratch.fill(0);
    // The uint is the float's bits byte-reversed: its big-endian bytes, right-aligned in 8, are the bits little-endian.
    if (b < 128) {
      scratch[7] = b;
    } else {
      const n = 256 - b;
      if (n > 8) throw new GobError('gob: encoded unsigned integer out of range');
      if (this.end - this.pos < n) throw new GobError(`gob: invalid uint data length ${n}: exceeds input size ${this.end - this.pos}`);
      for (let i = 0; i < n; i++) scratch[8 - n + i] = this.buf[this.pos++]!;
    }
    return FLOAT_VIEW.getFloat64(0, true);
  }

  bytes(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(what: string): string {
    const n = this.length(what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number): void {
    this.pos += n;
  }
}

const FLOAT_SCRATCH = new Uint8Array(8);
const FLOAT_VIEW = new DataView(FLOAT_SCRATCH.buffer);
