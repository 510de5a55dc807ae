import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BufferByteSource, GobDecoder, GobEOFError, GobEncoder, GobError, GobSyncDecoder, StreamByteSource, goTypeFromWire, t,
} from './index.js';
import type { GobValue } from './index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** One message: uint length + body. */
const msg = (body: string): string => {
  const b = hex(body);
  if (b.length >= 128) throw new Error('test helper: short messages only');
  return b.length.toString(16).padStart(2, '0') + b.toString('hex');
};
const decodeAll = (bytes: Buffer): GobValue[] => new GobSyncDecoder(bytes).decodeAll();
const str = (s: string): string => Buffer.from(s).toString('hex');
// -65 as a gob int is `ff 81`; 65 is `ff 82`; -66 `ff 83`, 66 `ff 84`; -100 `ff c7`, 100 `ff c8`.

describe('GobSyncDecoder: Go semantics', () => {
  it('integers: full 64-bit range without precision loss (number when safe, bigint otherwise)', () => {
    const enc = new GobEncoder();
    const values = [0, 1, -1, 127, 128, -129, 2 ** 53 - 1, -(2 ** 53 - 1), 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n];
    const got = decodeAll(Buffer.concat(values.map((v) => enc.encode(t.int, v))));
    expect(got).toEqual(values.map((v) => (typeof v === 'bigint' ? v : v)));
    expect(decodeAll(new GobEncoder().encode(t.uint, 2n ** 64n - 1n))).toEqual([2n ** 64n - 1n]);
    expect(typeof decodeAll(new GobEncoder().encode(t.int, 2 ** 53 - 1))[0]).toBe('number');
  });

  it('floats and complex round-trip bit-exactly (byte-reversed encoding)', () => {
    const enc = new GobEncoder();
    const floats = [0, -0, 17, 2, 0.1, -1e300, 5e-324, Infinity, -Infinity];
    const got = decodeAll(Buffer.concat(floats.map((f) => enc.encode(t.float, f))));
    expect(got.map((f) => Object.is(f, -0) ? '-0' : f)).toEqual(floats.map((f) => Object.is(f, -0) ? '-0' : f));
    expect(Number.isNaN(decodeAll(new GobEncoder().encode(t.float, NaN))[0])).toBe(true);
    expect(new GobEncoder().encode(t.float, 17).toString('hex')).toBe('05' + '08' + '00' + 'fe3140');
    expect(decodeAll(new GobEncoder().encode(t.complex, { real: 1.5, imag: -2 }))).toEqual([{ real: 1.5, imag: -2 }]);
  });

  it('arrays (length checked), slices, maps with non-string keys, bytes, nested structs', () => {
    const Inner = t.struct('Inner', [['A', t.int]]);
    const T = t.struct('T', [
      ['Arr', t.array(t.int, 3)], ['S', t.slice(Inner)], ['M', t.map(t.int, t.bool)], ['B', t.bytes], ['In', Inner],
    ]);
    const v = { Arr: [1, 0, -1], S: [{ A: 1 }, {}], M: new Map([[7, true], [-3, false]]), B: Uint8Array.of(1, 2) };
    expect(decodeAll(new GobEncoder().encode(T, v))).toEqual([{ ...v, S: [{ A: 1 }, {}], In: {} }]);
  });

  it('definitions referencing ids defined later, extra unreferenced ones, CommonType.Id ≠ message id', () => {
    // struct T (id 100) { F: S (id 101) }, S defined after T; an unused GobEncoder definition in between whose
    // CommonType.Id (99) differs from its message id (102) — as real Go sends for *metav1.Time.
    const bytes = hex(
      msg(`ffc7 03 01 01 01 ${str('T')} 01 ffc8 00 01 01 01 01 ${str('F')} 01 ffca 00 00 00`)
      + msg(`ffcb 05 01 01 04 ${str('Time')} 01 ffc6 00 00 00`)
      + msg(`ffc9 03 01 01 01 ${str('S')} 01 ffca 00 01 01 01 01 ${str('X')} 01 0c 00 00 00`)
      + msg(`ffc8 01 01 02 ${str('hi')} 00 00`),
    );
    const dec = new GobSyncDecoder(bytes);
    expect(dec.decode()).toEqual({ F: { X: 'hi' } });
    expect(dec.definitions.get(102)?.gobEncoder?.common).toEqual({ name: 'Time', id: 99 });
  });

  it('rejects reserved (< 64) and duplicate type ids, like Go', () => {
    const def = (id: string): string => msg(`${id} 03 01 01 01 ${str('T')} 01 ${id} 00 00 00`);
    expect(() => decodeAll(hex(def('7d') + msg('7e 00')))).toThrow('gob: duplicate type received'); // -63
    expect(decodeAll(hex(msg(`7f 03 01 01 01 ${str('T')} 01 7f 00 00 00`) + msg('ff80 00')))).toEqual([{}]); // 64 is fine
    const d65 = msg(`ff81 03 01 01 01 ${str('T')} 01 ff82 00 00 00`);
    expect(() => decodeAll(hex(d65 + msg('ff82 00') + d65 + msg('ff82 00')))).toThrow('gob: duplicate type received');
  });

  it('"extra data in buffer" after a top-level definition; trailing bytes after a value are ignored (as Go)', () => {
    expect(() => decodeAll(hex(msg(`ff81 03 01 01 01 ${str('T')} 01 ff82 00 00 00 05`) + msg('ff82 00')))).toThrow('extra data in buffer');
    expect(decodeAll(hex(msg('0c 00 01 61 ff ff ff')))).toEqual(['a']);
  });

  it('struct field numbers out of range, non-zero singleton delta, array length mismatch', () => {
    const def = msg(`ff81 03 01 01 01 ${str('T')} 01 ff82 00 01 01 01 01 ${str('A')} 01 04 00 00 00`);
    expect(() => decodeAll(hex(def + msg('ff82 02 02 00')))).toThrow('field numbers out of bounds');
    expect(() => decodeAll(hex(msg('0c 01 01 61')))).toThrow('non-zero delta for singleton');
    const arr = msg(`ff81 01 01 01 01 ${str('A')} 01 ff82 00 01 04 01 04 00 00`); // [2]int
    expect(() => decodeAll(hex(arr + msg('ff82 00 03 02 04 06')))).toThrow('length mismatch');
  });

  it('undefined type ids and malformed definitions are clear errors', () => {
    expect(() => decodeAll(hex(msg('ff90 00')))).toThrow('undefined type id 72');
    expect(() => decodeAll(hex(msg('ff81 00') + msg('ff82 00')))).toThrow('exactly one kind');
    expect(() => decodeAll(hex(msg('18 00 00')))).toThrow('undefined type id 12');
  });

  it('truncation: clean EOF only at a value boundary, otherwise unexpected EOF; errors are sticky', () => {
    const full = new GobEncoder().encode(t.struct('T', [['A', t.string]]), { A: 'x' });
    const dec = new GobSyncDecoder(full);
    dec.decode();
    expect(() => dec.decode()).toThrow(GobEOFError);
    for (let cut = 1; cut < full.length; cut++) {
      const d = new GobSyncDecoder(full.subarray(0, cut));
      let err: unknown;
      try { d.decode(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(GobError);
      expect(err).not.toBeInstanceOf(GobEOFError);
      expect(() => d.decode()).toThrow((err as Error).message);
    }
  });

  it('limits: message size, nesting depth, element counts, number of types', () => {
    expect(() => new GobSyncDecoder(hex('fe 10 00'), { maxMessageBytes: 1000 }).decode()).toThrow('invalid message length 4096');
    const List = t.struct('List', [['Next', t.ptr(t.struct('Ref', [['L', () => List]]))], ['V', t.int]]);
    let v: Record<string, unknown> = { V: 1 };
    for (let i = 0; i < 60; i++) v = { Next: { L: v }, V: i };
    const deep = new GobEncoder().encode(List, v);
    expect(() => new GobSyncDecoder(deep, { maxDepth: 50 }).decode()).toThrow('nested deeper than 50');
    expect(new GobSyncDecoder(deep, { maxDepth: 200 }).decode()).toMatchObject({ V: 59 });
    const many = new GobEncoder().encode(t.slice(t.int), Array.from({ length: 100 }, () => 0));
    expect(() => new GobSyncDecoder(many, { maxElements: 99 }).decode()).toThrow('exceeds limit 99');
    const enc = new GobEncoder();
    const types = Buffer.concat(Array.from({ length: 5 }, (_, i) => enc.encode(t.struct(`T${i}`, []), {})));
    expect(() => new GobSyncDecoder(types, { maxTypes: 4 }).decodeAll()).toThrow('more than 4 type definitions');
    expect(() => new GobSyncDecoder(types, { maxTypes: 0 })).toThrow('limit maxTypes must be a positive integer');
  });

  it('a slice count larger than the data fails before allocating', () => {
    expect(() => decodeAll(hex(msg(`ff81 02 01 01 01 ${str('S')} 01 ff82 00 01 04 00 00`) + msg('ff82 00 fc 0f ff ff ff 00')))).toThrow(/exceeds (limit|input size)/);
  });

  it('__proto__ as a field name is data, not a prototype', () => {
    const bytes = hex(msg(`ff81 03 01 01 01 ${str('T')} 01 ff82 00 01 01 01 09 ${str('__proto__')} 01 0c 00 00 00`) + msg('ff82 01 01 61 00'));
    const v = decodeAll(bytes)[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toBe('a');
  });
});

describe('GobDecoder (async) over a Node stream', () => {
  const Rec = t.struct('Rec', [['Name', t.string], ['Inner', t.iface]]);
  const Leaf = t.struct('Leaf', [['N', t.int]]);

  it('decodes values split across arbitrary chunk boundaries, then reports clean EOF', async () => {
    const enc = new GobEncoder();
    const values = Array.from({ length: 30 }, (_, i) => ({ Name: `r${i}`, Inner: i % 3 === 0 ? null : { $interface: 'Leaf', type: Leaf, value: { N: i } } }));
    const bytes = Buffer.concat(values.map((v) => enc.encode(t.iface, { $interface: 'Rec', type: Rec, value: v })));
    const pt = new PassThrough();
    const dec = new GobDecoder(new StreamByteSource(pt));
    const got: Promise<GobValue>[] = values.map(() => dec.decode());
    for (let i = 0; i < bytes.length; i += 3) pt.write(bytes.subarray(i, i + 3));
    pt.end();
    const out = await Promise.all(got);
    expect(out[1]).toEqual({ $interface: 'Rec', value: { Name: 'r1', Inner: { $interface: 'Leaf', value: { N: 1 } } } });
    expect(out[3]).toEqual({ $interface: 'Rec', value: { Name: 'r3' } });
    await expect(dec.decode()).rejects.toBeInstanceOf(GobEOFError);
  });

  it('a stream ending mid-value is unexpected EOF (not clean EOF)', async () => {
    const bytes = new GobEncoder().encode(Rec, { Name: 'abc' });
    const dec = new GobDecoder(new BufferByteSource(bytes.subarray(0, bytes.length - 2)));
    await expect(dec.decode()).rejects.toThrow('unexpected EOF');
  });

  it('stream errors surface as GobError', async () => {
    const pt = new PassThrough();
    const dec = new GobDecoder(new StreamByteSource(pt));
    const p = dec.decode();
    pt.destroy(new Error('boom'));
    await expect(p).rejects.toThrow('gob: read failed: boom');
  });

  it('skip() processes definitions of a discarded value (Decode(nil))', async () => {
    const enc = new GobEncoder();
    const bytes = Buffer.concat([enc.encode(Leaf, { N: 1 }), enc.encode(Leaf, { N: 2 })]);
    const dec = new GobDecoder(new BufferByteSource(bytes));
    await dec.skip();
    expect(await dec.decode()).toEqual({ N: 2 });
  });
});

describe('goTypeFromWire', () => {
  it('rebuilds an encoder type from received definitions so values re-encode identically', () => {
    const Time = t.gobEncoder('Time');
    const T = t.struct('T', [['A', t.int], ['Sub', t.ptr(t.struct('Sub', [['S', t.slice(t.string)]]))], ['At', t.ptr(Time)], ['M', t.map(t.string, t.bytes)]]);
    const v = { A: 5, At: Uint8Array.of(1, 2, 3), M: new Map([['k', Uint8Array.of(9)]]) };
    const bytes = new GobEncoder().encode(T, v);
    const dec = new GobSyncDecoder(bytes);
    const decoded = dec.decode();
    const rebuilt = goTypeFromWire(dec.definitions, 65);
    expect(new GobEncoder().encode(rebuilt, decoded).toString('hex')).toBe(bytes.toString('hex'));
  });
});
