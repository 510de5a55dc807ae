import { GobError } from './errors.js';
import { t } from './types.js';
import type { GoType } from './types.js';
import { TypeId, wireKinds } from './wire.js';
import type { WireType } from './wire.js';

const BASIC: Readonly<Record<number, GoType>> = {
  [TypeId.Bool]: t.bool, [TypeId.Int]: t.int, [TypeId.Uint]: t.uint, [TypeId.Float]: t.float,
  [TypeId.Bytes]: t.bytes, [TypeId.String]: t.string, [TypeId.Complex]: t.complex, [TypeId.Interface]: t.iface,
};

/**
 * Rebuilds an encoder type from a peer's definitions (e.g. GobDecoder.definitions), so decoded values can be
 * re-encoded: a relay, a recorder, a benchmark. Struct-typed fields become pointers, so an absent field stays absent.
 */
export function goTypeFromWire(definitions: ReadonlyMap<number, WireType>, id: number): GoType {
  const memo = new Map<number, GoType>();
  const building = new Set<number>();
  const build = (tid: number, asField: boolean): GoType => {
    const basic = BASIC[tid];
    if (basic !== undefined) return basic;
    const w = definitions.get(tid);
    if (w === undefined) throw new GobError(`gob: goTypeFromWire: undefined type id ${tid}`);
    if (wireKinds(w).length !== 1) throw new GobError(`gob: goTypeFromWire: type id ${tid} does not describe exactly one kind`);
    let type = memo.get(tid);
    if (type === undefined) {
      if (building.has(tid)) throw new GobError(`gob: goTypeFromWire: type id ${tid} recurses without a struct`);
      building.add(tid);
      if (w.struct !== undefined) {
        type = t.struct(w.struct.common.name, w.struct.fields.map((f) => [f.name, () => build(f.id, true)] as const));
      } else if (w.slice !== undefined) {
        type = t.slice(build(w.slice.elem, false), w.slice.common.name || undefined);
      } else if (w.array !== undefined) {
        type = t.array(build(w.array.elem, false), w.array.len, w.array.common.name || undefined);
      } else if (w.map !== undefined) {
        type = t.map(build(w.map.key, false), build(w.map.elem, false), w.map.common.name || undefined);
      } else {
        const marshaler = w.gobEncoder !== undefined ? 'gob' : w.binaryMarshaler !== undefined ? 'binary' : 'text';
        type = t.gobEncoder((w.gobEncoder ?? w.binaryMarshaler ?? w.textMarshaler)!.common.name, { marshaler });
      }
      memo.set(tid, type);
      building.delete(tid);
    }
    return asField && type.kind === 'struct' ? ptrOf(type) : type;
  };
  const ptrs = new Map<GoType, GoType>();
  const ptrOf = (type: GoType): GoType => {
    let p = ptrs.get(type);
    if (p === undefined) ptrs.set(type, (p = t.ptr(type)));
    return p;
  };
  return build(id, false);
}
