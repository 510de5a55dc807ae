import { describe, expect, it } from 'vitest';
import { GobEncoder, GobError, GobSyncDecoder, goTimeType, t } from './index.js';

const Leaf = t.struct('Leaf', [['N', t.int], ['S', t.string]]);
const Holder = t.struct('Holder', [['L', Leaf], ['P', t.ptr(Leaf)], ['Items', t.slice(t.ptr(Leaf))], ['M', t.map(t.string, t.int)]]);

describe('GobEncoder', () => {
  it('omits zero fields and nil pointers, always sends nested structs, sends empty non-nil maps', () => {
    const bytes = new GobEncoder().encode(Holder, { P: null, M: new Map(), Items: [] });
    expect(new GobSyncDecoder(bytes).decode()).toEqual({ L: {}, M: new Map() });
  });

  it('pointer to zero scalar is omitted; non-nil pointer to a zero GobEncoder is sent; zero time value omitted', () => {
    const Time = goTimeType();
    const T = t.struct('T', [['I', t.ptr(t.int)], ['V', Time], ['P', t.ptr(Time)]]);
    const zero = new Date(-62135596800000);
    expect(new GobSyncDecoder(new GobEncoder().encode(T, { I: 0, V: zero, P: zero })).decode()).toEqual({ P: Time.zero });
  });

  it('names the field path and the problem for bad input', () => {
    const enc = new GobEncoder();
    expect(() => enc.encode(Holder, { L: { N: 1.5 } })).toThrow('gob: encode Holder.L.N: int value 1.5 is not an integer');
    expect(() => enc.encode(Holder, { L: { S: 3 } })).toThrow('Holder.L.S: expected string, got number');
    expect(() => enc.encode(Holder, { Nope: 1 })).toThrow('struct Holder has no field Nope');
    expect(() => enc.encode(Holder, { Items: [null] })).toThrow('Holder.Items[0]: nil pointer element');
    expect(() => enc.encode(t.ptr(Leaf), null)).toThrow('cannot encode nil pointer');
    expect(() => enc.encode(t.int, 2n ** 63n)).toThrow('outside int64');
    expect(() => enc.encode(t.uint, -1)).toThrow('uint value -1');
    expect(() => enc.encode(t.array(t.int, 2), [1])).toThrow('expected array of length 2');
    expect(() => enc.encode(t.iface, { $interface: '', type: Leaf, value: {} })).toThrow('interface name must be 1–1024 bytes');
    expect(() => enc.encode(t.iface, { $interface: 'P', type: t.ptr(Leaf), value: null })).toThrow('nil pointer of type *Leaf inside interface');
    expect(() => enc.encode(t.map(t.int, t.int), { a: 1 })).toThrow('plain object can only stand for a map with string keys');
    expect(() => enc.encode(t.gobEncoder('X'), null)).toThrow('a value is required here');
  });

  it('is all-or-nothing: a failed encode marks no type as sent, so the next encode defines them', () => {
    const enc = new GobEncoder();
    expect(() => enc.encode(Holder, { L: { N: 'x' } })).toThrow(GobError);
    expect(enc.idFor(Holder)).toBeUndefined();
    const ok = enc.encode(Holder, { L: { N: 1 } });
    expect(enc.idFor(Holder)).toBe(65);
    expect(new GobSyncDecoder(ok).decode()).toEqual({ L: { N: 1 } });
  });

  it('defines each type once per stream, in Go order (type, then its parts depth-first), ids ascending', () => {
    const enc = new GobEncoder();
    const first = enc.encode(Holder, {});
    expect([Holder, Leaf, Holder.fields[2]![1], Holder.fields[3]![1]].map((x) => enc.idFor(x as never))).toEqual([65, 66, 67, 68]);
    const second = enc.encode(Holder, {});
    expect(second.length).toBeLessThan(first.length);
    const dec = new GobSyncDecoder(Buffer.concat([first, second]));
    expect(dec.decodeAll()).toEqual([{ L: {} }, { L: {} }]);
  });

  it('recursive types through thunks', () => {
    const Node: ReturnType<typeof t.struct> = t.struct('Node', [['V', t.int], ['Kids', () => t.slice(Node, '[]Node')]]);
    const v = { V: 1, Kids: [{ V: 2, Kids: [{ V: 3 }] }] };
    expect(new GobSyncDecoder(new GobEncoder().encode(Node, v)).decode()).toEqual(v);
  });
});

describe('GobEncoder.encodeMany', () => {
  it('header and body as one unit: a bad body leaves the header type unsent too', () => {
    const Header = t.struct('Response', [['ServiceMethod', t.string], ['Seq', t.uint]]);
    const enc = new GobEncoder();
    expect(() => enc.encodeMany([[Header, { Seq: 1 }], [Leaf, { N: 'bad' }]])).toThrow('Leaf.N: expected integer');
    expect(enc.idFor(Header)).toBeUndefined();
    const both = enc.encodeMany([[Header, { Seq: 1 }], [Leaf, { N: 2 }]]);
    expect(new GobSyncDecoder(both).decodeAll()).toEqual([{ Seq: 1 }, { N: 2 }]);
    expect(both.equals(Buffer.concat([new GobEncoder().encode(Header, { Seq: 1 }), (() => {
      const e = new GobEncoder(); e.encode(Header, { Seq: 1 }); return e.encode(Leaf, { N: 2 });
    })()]))).toBe(true);
  });
});

describe('GobEncoder on junk input', () => {
  it('2000 junk values against a rich type: a Buffer Go-style or a GobError, never anything else', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const junk = (): unknown => {
      const pool: unknown[] = [null, undefined, 0, -1, 1.5, NaN, 2n ** 70n, '', 'x', true, [], [1, 'a'], {}, { N: 1 }, new Map([[1, 2]]), Uint8Array.of(1), new Date(), Symbol('s'), () => 1];
      return pool[rand(pool.length)];
    };
    const Rich = t.struct('Rich', [
      ['I', t.int], ['U', t.uint], ['F', t.float], ['S', t.string], ['B', t.bytes], ['C', t.complex], ['P', t.ptr(Leaf)],
      ['Sl', t.slice(t.int)], ['Ar', t.array(t.bool, 2)], ['M', t.map(t.string, t.int)], ['X', t.iface], ['T', goTimeType('Time')],
    ]);
    let ok = 0;
    for (let i = 0; i < 2000; i++) {
      const value: Record<string, unknown> = {};
      for (const [name] of Rich.fields) if (rand(3) === 0) value[name] = junk();
      const enc = new GobEncoder();
      try {
        const bytes = enc.encode(Rich, value);
        expect(new GobSyncDecoder(bytes).decode()).toBeTypeOf('object');
        ok++;
      } catch (e) {
        expect(e).toBeInstanceOf(GobError);
        expect(enc.idFor(Rich)).toBeUndefined();
      }
    }
    expect(ok).toBeGreaterThan(50);
  });
});
