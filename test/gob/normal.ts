import { isGobInterface } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { GobValue } from '../../rollouts-metric-plugin/transport/gob/index.js';

/** JSON-able normal form, the same one gob-peer prints (see norm in test/go/gob-peer/main.go). */
export type Normal = null | boolean | string | Normal[] | { [k: string]: Normal };

function floatBits(f: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(f);
  return b.toString('hex');
}

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export function normalize(v: GobValue): Normal {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i:${v === 0 ? 0 : v}` : `f:${floatBits(v)}`;
  if (typeof v === 'string') return `s:${v}`;
  if (v instanceof Uint8Array) return `b:${toHex(v)}`;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) return { $map: sortEntries([...v].map(([k, e]) => [normalize(k), normalize(e)])) };
  if (isGobInterface(v)) return { $iface: v.$interface, value: normalize(v.value) };
  const out: Record<string, Normal> = {};
  for (const [k, e] of Object.entries(v)) out[k] = normalize(e);
  return out;
}

function sortEntries(entries: Normal[][]): Normal[][] {
  return entries.map((e) => [JSON.stringify(e[0]), e] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
}

/** Sorts every {$map} in a normal form that came from Go (Go prints map entries in random order). */
export function canonical(n: Normal): Normal {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map(canonical);
  const out: Record<string, Normal> = {};
  for (const [k, e] of Object.entries(n)) {
    out[k] = k === '$map' && Array.isArray(e) ? sortEntries((e as Normal[][]).map((p) => p.map(canonical))) : canonical(e);
  }
  return out;
}
