import { basePointee, fieldType, goTimeToBinary, isZeroGoTime } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { GoType } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { Normal } from './normal.js';

const ALPHABET = [...'abcxyzABC0189-_./: é€😀\u0000"'];

export interface Gen {
  next: () => number;
  int32Fields: ReadonlySet<string>;
}

const pick = (g: Gen, n: number): number => Math.floor(g.next() * n);

function randomString(g: Gen): string {
  if (pick(g, 3) === 0) return '';
  let s = '';
  for (let i = 1 + pick(g, 10); i > 0; i--) s += ALPHABET[pick(g, ALPHABET.length)];
  return s;
}

function randomInt(g: Gen, bits: 32 | 64): number | bigint {
  switch (pick(g, 4)) {
    case 0: return 0;
    case 1: return pick(g, 200) - 100;
    case 2: return bits === 32 ? (pick(g, 2 ** 32) - 2 ** 31) : pick(g, 2 ** 53) - 2 ** 52;
    default: {
      if (bits === 32) return pick(g, 2) === 0 ? -(2 ** 31) : 2 ** 31 - 1;
      const hi = BigInt(pick(g, 2 ** 32)) << 32n;
      return BigInt.asIntN(64, hi | BigInt(pick(g, 2 ** 32)));
    }
  }
}

/** A random value for a DSL type, shaped as the encoder takes it; zero values often, to exercise omission. */
export function randomValue(g: Gen, type: GoType, depth = 0, field = ''): unknown {
  if (type.kind === 'ptr') return depth > 6 || pick(g, 3) === 0 ? null : randomValue(g, type.elem, depth + 1, field);
  switch (type.kind) {
    case 'bool': return pick(g, 2) === 0;
    case 'int': return randomInt(g, g.int32Fields.has(field) ? 32 : 64);
    case 'uint': return pick(g, 1000);
    case 'float': return pick(g, 1000) / 8;
    case 'complex': return { real: pick(g, 100), imag: -pick(g, 100) };
    case 'string': return randomString(g);
    case 'bytes': return pick(g, 3) === 0 ? undefined : Uint8Array.from({ length: pick(g, 12) }, () => pick(g, 256));
    case 'iface': return null;
    case 'opaque': {
      if (pick(g, 4) === 0) return undefined;
      const d = new Date(pick(g, 4102444800) * 1000);
      return pick(g, 2) === 0 ? d : goTimeToBinary(d, pick(g, 1e9));
    }
    case 'slice': {
      if (depth > 6 || pick(g, 3) === 0) return pick(g, 2) === 0 ? undefined : [];
      return Array.from({ length: 1 + pick(g, 3) }, () => randomElem(g, type.elem, depth + 1));
    }
    case 'array': return Array.from({ length: type.len }, () => randomElem(g, type.elem, depth + 1));
    case 'map': {
      if (depth > 6 || pick(g, 3) === 0) return pick(g, 2) === 0 ? undefined : new Map();
      const m = new Map<unknown, unknown>();
      for (let i = pick(g, 4); i > 0; i--) m.set(randomElem(g, type.key, depth + 1), randomElem(g, type.elem, depth + 1));
      return m;
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of type.fields) {
        const v = randomValue(g, fieldType(f), depth + 1, f[0]);
        if (v !== undefined) o[f[0]] = v;
      }
      return o;
    }
  }
}

function randomElem(g: Gen, type: GoType, depth: number): unknown {
  const base = basePointee(type);
  const v = randomValue(g, base, depth);
  return v === undefined && base.kind === 'opaque' ? goTimeToBinary(new Date(0)) : v;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const timeBytes = (v: unknown): Uint8Array => (v instanceof Date ? goTimeToBinary(v) : (v as Uint8Array));

/**
 * What the receiver should see for `value` of `type`, straight from the encoder's input — an independent statement
 * of gob's rules (zero fields omitted, pointers flattened, nested structs always, empty non-nil maps sent).
 */
export function expectedNormal(type: GoType, value: unknown): Normal {
  const t = basePointee(type);
  switch (t.kind) {
    case 'bool': return value === true;
    case 'int': case 'uint': return `i:${value == null ? 0 : String(value)}`;
    case 'string': return `s:${(value as string | undefined) ?? ''}`;
    case 'bytes': return `b:${value == null ? '' : hex(value as Uint8Array)}`;
    case 'opaque': return `b:${hex(value == null ? t.zero! : timeBytes(value))}`;
    case 'slice': case 'array': return ((value as unknown[] | undefined) ?? []).map((e) => expectedNormal(t.elem, e));
    case 'map': return { $map: [...((value as Map<unknown, unknown> | undefined) ?? new Map())].map(([k, e]) => [expectedNormal(t.key, k), expectedNormal(t.elem, e)]) };
    case 'struct': {
      const o: Record<string, Normal> = {};
      const obj = (value ?? {}) as Record<string, unknown>;
      for (const f of t.fields) {
        const ft = fieldType(f);
        const fb = basePointee(ft);
        const v = obj[f[0]];
        if (v == null) {
          if (ft.kind === 'ptr' || (fb.kind !== 'struct' && fb.kind !== 'array')) continue;
        } else if ((v === false || v === 0 || v === 0n || v === '')
          || ((fb.kind === 'slice' || fb.kind === 'bytes') && (v as { length: number }).length === 0)
          || (fb.kind === 'opaque' && ft.kind !== 'ptr' && isZeroGoTime(timeBytes(v)))) {
          continue;
        }
        o[f[0]] = expectedNormal(ft, v);
      }
      return o;
    }
    default: throw new Error(`expectedNormal: ${t.kind} not used in these tests`);
  }
}

function onlyEmptyStructs(n: Normal): boolean {
  return n !== null && typeof n === 'object' && !Array.isArray(n) && !('$map' in n) && !('$iface' in n)
    && Object.values(n).every(onlyEmptyStructs);
}

/**
 * Go's view of a value whose Go type has more fields than our DSL subset: drops the fields the DSL lacks when Go
 * shows only zero nested structs there (Go always materialises value-typed structs); anything else is kept, so it
 * shows up as a difference.
 */
export function projectOnto(type: GoType, n: Normal): Normal {
  const t = basePointee(type);
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return t.kind === 'slice' || t.kind === 'array' ? n.map((e) => projectOnto(t.elem, e)) : n;
  if ('$map' in n && t.kind === 'map') {
    return { $map: (n.$map as Normal[][]).map(([k, e]) => [projectOnto(t.key, k!), projectOnto(t.elem, e!)]) };
  }
  if (t.kind !== 'struct') return n;
  const fields = new Map(t.fields.map((f) => [f[0], fieldType(f)] as const));
  const out: Record<string, Normal> = {};
  for (const [k, v] of Object.entries(n)) {
    const ft = fields.get(k);
    if (ft !== undefined) out[k] = projectOnto(ft, v);
    else if (!onlyEmptyStructs(v)) out[k] = v;
  }
  return out;
}

/** A random value for gob-peer's Box, with the interface inputs the encoder needs and the normal form expected. */
export function randomBox(g: Gen, types: { Box: GoType; RpcError: GoType; IntSlice: GoType }, depth = 0): { input: unknown; normal: Normal } {
  const anyValue = (): { input: unknown; normal: Normal } => {
    let k = pick(g, 7);
    if (depth > 3 && k === 1) k = 0;
    const wrap = (name: string, type: GoType, value: unknown, normal: Normal) => ({
      input: { $interface: name, type, value }, normal: { $iface: name, value: normal },
    });
    switch (k) {
      case 0: return { input: null, normal: null };
      case 1: { const b = randomBox(g, types, depth + 1); return wrap('Box', types.Box, b.input, b.normal); }
      case 2: { const s = randomString(g); return wrap('RpcError', types.RpcError, { ErrorString: s }, s === '' ? {} : { ErrorString: `s:${s}` }); }
      case 3: { const s = randomString(g); return wrap('string', { kind: 'string' }, s, `s:${s}`); }
      case 4: { const i = randomInt(g, 64); return wrap('int', { kind: 'int' }, i, `i:${i}`); }
      case 5: { const i = randomInt(g, 64); return wrap('[]int', types.IntSlice, [i, 0], [`i:${i}`, 'i:0']); }
      default: { const f = pick(g, 1000) / 3; return wrap('float64', { kind: 'float' }, f, normalNumber(f)); }
    }
  };
  const input: Record<string, unknown> = {};
  const normal: Record<string, Normal> = {};
  const label = randomString(g);
  input.Label = label;
  if (label !== '') normal.Label = `s:${label}`;
  const inner = anyValue();
  input.Inner = inner.input;
  if (inner.input !== null) normal.Inner = inner.normal;
  const items = Array.from({ length: pick(g, 3) }, anyValue);
  input.Items = items.map((i) => i.input);
  if (items.length > 0) normal.Items = items.map((i) => i.normal);
  if (pick(g, 2) === 0) {
    const m = new Map<string, { input: unknown; normal: Normal }>();
    for (let i = pick(g, 3); i > 0; i--) m.set(randomString(g), anyValue());
    input.ByName = new Map([...m].map(([k, v]) => [k, v.input]));
    normal.ByName = { $map: [...m].map(([k, v]) => [`s:${k}`, v.normal]) };
  }
  const pair = [pick(g, 65536) - 32768, pick(g, 2) === 0 ? 0 : -1];
  input.Pair = pair;
  normal.Pair = pair.map((p) => `i:${p}`);
  if (pick(g, 2) === 0) {
    const c = { real: pick(g, 100) / 4, imag: -pick(g, 100) };
    input.C = c;
    if (c.real !== 0 || c.imag !== 0) normal.C = { real: normalNumber(c.real), imag: normalNumber(c.imag) };
  }
  if (pick(g, 2) === 0) {
    const f = pick(g, 1_000_000) / 7;
    input.F = f;
    if (f !== 0) normal.F = normalNumber(f);
  }
  const u = BigInt.asUintN(64, (BigInt(pick(g, 2 ** 32)) << 32n) | BigInt(pick(g, 2 ** 32))) >> BigInt(pick(g, 64));
  input.U = u;
  if (u !== 0n) normal.U = `i:${u}`;
  return { input, normal };
}

function normalNumber(f: number): Normal {
  if (Number.isInteger(f)) return `i:${f === 0 ? 0 : f}`;
  const b = Buffer.alloc(8);
  b.writeDoubleBE(f);
  return `f:${b.toString('hex')}`;
}
