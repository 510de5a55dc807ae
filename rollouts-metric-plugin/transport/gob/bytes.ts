import { GobError } from './errors.js';

const MAX_U64 = (1n << 64n) - 1n;
const TWO_POW_52 = 2 ** 52;

/** Growable byte buffer with gob's primitive encodings. */
export class ByteWriter {
  buf: Buffer;
  len = 0;
  private view: DataView;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private grow(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  reset(): void {
    this.len = 0;
  }

  byte(b: number): void {
    this.grow(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** gob uint: < 128 in one byte, else a negated byte count then big-endian bytes, minimal. */
  uint(n: number): void {
    if (n < 128) {
      this.byte(n);
      return;
    }
    if (n <= 0xffffffff) {
      const nb = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffff ? 3 : 4;
      this.grow(nb + 1);
      this.buf[this.len++] = 256 - nb;
      for (let i = nb - 1; i >= 0; i--) this.buf[this.len++] = (n / 2 ** (8 * i)) & 0xff;
      return;
    }
    this.bigUint(BigInt(n));
  }

  bigUint(n: bigint): void {
    if (n < 128n) {
      this.byte(Number(n));
      return;
    }
    this.grow(9);
    this.view.setBigUint64(this.len + 1, n);
    let first = this.len + 1;
    while (this.buf[first] === 0) first++;
    const nb = this.len + 9 - first;
    this.buf[this.len] = 256 - nb;
    this.buf.copyWithin(this.len + 1, first, this.len + 9);
    this.len += nb + 1;
  }

  /** gob int: zig-zag (sign in the low bit, complemented when negative), then uint. */
  int(i: number): void {
    if (i >= 0) {
      if (i < TWO_POW_52) this.uint(i * 2);
      else this.bigInt(BigInt(i));
    } else if (i > -TWO_POW_52) {
      this.uint(-i * 2 - 1);
    } else {
      this.bigInt(BigInt(i));
    }
  }

  bigInt(i: bigint): void {
    this.bigUint(i < 0n ? ((~i) << 1n) | 1n : i << 1n);
  }

  /** gob float: the IEEE-754 bits byte-reversed, sent as a uint (so small exponents compress). */
  float(f: number): void {
    this.grow(9);
    this.view.setFloat64(this.len + 1, f, true); // little-endian bits == big-endian bytes of the reversed uint
    let first = this.len + 1;
    const end = this.len + 9;
    while (first < end && this.buf[first] === 0) first++;
    const nb = end - first;
    if (nb === 0) {
      this.buf[this.len++] = 0;
      return;
    }
    if (nb === 1 && this.buf[first]! < 128) {
      this.buf[this.len++] = this.buf[first]!;
      return;
    }
    this.buf[this.len] = 256 - nb;
    this.buf.copyWithin(this.len + 1, first, end);
    this.len += nb + 1;
  }

  /** Length-prefixed UTF-8 string. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      this.grow(n * 3 + 1);
      const at = this.len;
      const buf = this.buf;
      // ASCII fast path: most names and values; the count then equals the length.
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + 1 + i] = c;
      }
      if (i === n) {
        buf[at] = n;
        this.len = at + 1 + n;
        return;
      }
      const written = buf.write(s, at + 1, n * 3, 'utf8');
      if (written < 128) {
        buf[at] = written;
        this.len = at + 1 + written;
        return;
      }
    }
    const b = Buffer.from(s, 'utf8');
    this.uint(b.length);
    this.bytes(b);
  }

  lengthPrefixed(b: Uint8Array): void {
    this.uint(b.length);
    this.bytes(b);
  }


  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export function checkUint64(n: bigint, what: string): bigint {
  if (n < 0n || n > MAX_U64) throw new GobError(`${what}: ${n} is outside uint64`);
  return n;
}
