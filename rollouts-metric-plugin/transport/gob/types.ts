/**
 * A small DSL describing Go types, for the encoder (the decoder needs none: it reads the sender's definitions).
 * Build each type once (module constants): the encoder keys "already defined on this stream" on object identity.
 */
export type GoType =
  | BasicType
  | StructType
  | PointerType
  | SliceType
  | ArrayType
  | MapType
  | InterfaceType
  | OpaqueType;

export type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'bytes' | 'complex';

export interface BasicType { readonly kind: BasicKind }
export type FieldSpec = readonly [string, GoType | (() => GoType)];
export interface StructType { readonly kind: 'struct'; readonly name: string; readonly fields: ReadonlyArray<FieldSpec> }
/** Pointers are flattened on the wire; a nil pointer (null/undefined) is omitted inside a struct. */
export interface PointerType { readonly kind: 'ptr'; readonly elem: GoType }
export interface SliceType { readonly kind: 'slice'; readonly elem: GoType; readonly name: string }
export interface ArrayType { readonly kind: 'array'; readonly elem: GoType; readonly len: number; readonly name: string }
export interface MapType { readonly kind: 'map'; readonly key: GoType; readonly elem: GoType; readonly name: string }
export interface InterfaceType { readonly kind: 'iface' }

/** Which Go interface a type with its own wire form implements; gob checks them in this order. */
export type Marshaler = 'gob' | 'binary' | 'text';

/** A GobEncoder/BinaryMarshaler/TextMarshaler: sent as opaque bytes, e.g. metav1.Time. */
export interface OpaqueType {
  readonly kind: 'opaque';
  readonly name: string;
  readonly marshaler: Marshaler;
  /** Go omits such a struct field when the underlying value is zero; this tells from the bytes. Default: never. */
  readonly isZero?: (bytes: Uint8Array) => boolean;
  /** Bytes sent for a nil/absent value where Go must send something (slice element, map entry, top level). */
  readonly zero?: Uint8Array;
  /** Turns a convenience input (e.g. a Date) into the bytes; undefined ⇒ the input must be a Uint8Array. */
  readonly toBytes?: (value: unknown) => Uint8Array | undefined;
}

export interface OpaqueOptions {
  readonly marshaler?: Marshaler;
  readonly isZero?: (bytes: Uint8Array) => boolean;
  readonly zero?: Uint8Array;
  readonly toBytes?: (value: unknown) => Uint8Array | undefined;
}

const basic = (kind: BasicKind): BasicType => Object.freeze({ kind });

/** Go's spelling of a type, used as the default (informational) name in type definitions. */
export function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'uint': return 'uint';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'bytes': return '[]uint8';
    case 'complex': return 'complex128';
    case 'iface': return 'interface {}';
    case 'ptr': return `*${goTypeName(type.elem)}`;
    case 'struct': return type.name === '' ? 'struct {}' : type.name;
    case 'slice': case 'array': case 'map': case 'opaque': return type.name;
  }
}

function checkName(name: string, what: string): string {
  if (typeof name !== 'string') throw new TypeError(`gob: ${what} name must be a string`);
  return name;
}

export const t = Object.freeze({
  bool: basic('bool'),
  int: basic('int'),
  uint: basic('uint'),
  float: basic('float'),
  string: basic('string'),
  bytes: basic('bytes'),
  complex: basic('complex'),
  iface: Object.freeze({ kind: 'iface' }) as InterfaceType,
  /** Named struct, fields in declaration order (only exported fields: gob sends no others). `t.struct('', [])` is struct{}. */
  struct(name: string, fields: ReadonlyArray<readonly [string, GoType | (() => GoType)]>): StructType {
    const seen = new Set<string>();
    for (const [field] of fields) {
      if (typeof field !== 'string' || field === '') throw new TypeError(`gob: struct ${name}: field names must be non-empty strings`);
      if (seen.has(field)) throw new TypeError(`gob: struct ${name}: duplicate field ${field}`);
      seen.add(field);
    }
    return Object.freeze({ kind: 'struct', name: checkName(name, 'struct'), fields: Object.freeze(fields.map((f) => Object.freeze([f[0], f[1]] as const))) });
  },
  ptr(elem: GoType): PointerType {
    return Object.freeze({ kind: 'ptr', elem });
  },
  slice(elem: GoType, name?: string): SliceType {
    return Object.freeze({ kind: 'slice', elem, name: name ?? `[]${goTypeName(elem)}` });
  },
  array(elem: GoType, len: number, name?: string): ArrayType {
    if (!Number.isSafeInteger(len) || len < 0) throw new TypeError(`gob: array length must be a non-negative integer, got ${len}`);
    return Object.freeze({ kind: 'array', elem, len, name: name ?? `[${len}]${goTypeName(elem)}` });
  },
  map(key: GoType, elem: GoType, name?: string): MapType {
    return Object.freeze({ kind: 'map', key, elem, name: name ?? `map[${goTypeName(key)}]${goTypeName(elem)}` });
  },
  /** A GobEncoder (or, with options.marshaler, a BinaryMarshaler/TextMarshaler): opaque bytes on the wire. */
  gobEncoder(name: string, options: OpaqueOptions = {}): OpaqueType {
    return Object.freeze({ ...options, kind: 'opaque', name: checkName(name, 'GobEncoder'), marshaler: options.marshaler ?? 'gob' });
  },
});

/** Resolves a struct field's type (thunks allow recursive types). */
export function fieldType(spec: FieldSpec): GoType {
  const f = spec[1];
  return typeof f === 'function' ? f() : f;
}

/** Strips pointers: gob sends the pointee. */
export function basePointee(type: GoType): GoType {
  let cur = type;
  while (cur.kind === 'ptr') cur = cur.elem;
  return cur;
}
