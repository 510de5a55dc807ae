import type { GoType } from './types.js';

/**
 * Decoded gob data, generic over the wire types:
 * - bool → boolean; int/uint → number when |x| ≤ 2^53−1, else bigint (no precision loss); float → number;
 *   complex → GobComplex; string → string (UTF-8; invalid bytes become U+FFFD); []byte → Uint8Array;
 * - GobEncoder / BinaryMarshaler / TextMarshaler → Uint8Array of the opaque bytes (see goTimeFromBinary);
 * - slice / array → array; map → Map (keys may be non-strings); struct → plain object keyed by Go field name, with
 *   fields the sender omitted (Go zero values) simply absent; interface → GobInterface, nil interface → null.
 */
export type GobValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | GobValue[]
  | Map<GobValue, GobValue>
  | { readonly [field: string]: GobValue }
  | GobInterface;

/** A non-nil interface value: the name the sender registered (gob.RegisterName) and the concrete value. */
export interface GobInterface {
  readonly $interface: string;
  readonly value: GobValue;
}

/** A decoded complex64/complex128. */
export interface GobComplex {
  readonly real: number;
  readonly imag: number;
}

/** Encoder input for an interface-typed slot: the registered name, the concrete Go type and its value. */
export interface GobInterfaceInput {
  readonly $interface: string;
  readonly type: GoType;
  readonly value: unknown;
}

export function isGobInterface(v: unknown): v is GobInterface {
  return typeof v === 'object' && v !== null && typeof (v as { $interface?: unknown }).$interface === 'string'
    && 'value' in v;
}

/** A decoded struct: a plain object keyed by Go field name (not a slice, map, []byte, opaque bytes or interface). */
export function isGobStruct(v: GobValue | undefined): v is { readonly [field: string]: GobValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array)
    && !('$interface' in v);
}
