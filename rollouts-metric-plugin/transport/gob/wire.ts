/** gob's self-describing type definitions (Go's `wireType`) and the predefined type ids. */

export const TypeId = Object.freeze({
  Bool: 1,
  Int: 2,
  Uint: 3,
  Float: 4,
  Bytes: 5,
  String: 6,
  Complex: 7,
  Interface: 8,
  // 9–15 reserved; 16–23 describe wireType itself and are never referenced by user data.
});

/** Ids below this are Go's; a definition of one is rejected ("duplicate type received"). */
export const FIRST_USER_ID = 64;

export interface CommonType {
  readonly name: string;
  /** As sent; informational only (Go sometimes sends an Id different from the definition's message id). */
  readonly id: number;
}

export type WireKind = 'array' | 'slice' | 'struct' | 'map' | 'gobEncoder' | 'binaryMarshaler' | 'textMarshaler';

/** A decoded definition. Exactly one kind must be set for it to be usable (checked when first used, as Go does). */
export interface WireType {
  array?: { readonly common: CommonType; readonly elem: number; readonly len: number };
  slice?: { readonly common: CommonType; readonly elem: number };
  struct?: { readonly common: CommonType; readonly fields: ReadonlyArray<{ readonly name: string; readonly id: number }> };
  map?: { readonly common: CommonType; readonly key: number; readonly elem: number };
  gobEncoder?: { readonly common: CommonType };
  binaryMarshaler?: { readonly common: CommonType };
  textMarshaler?: { readonly common: CommonType };
}

/** wireType's field order on the wire (field 0 = ArrayT … field 6 = TextMarshalerT). */
export const WIRE_FIELDS: readonly WireKind[] = ['array', 'slice', 'struct', 'map', 'gobEncoder', 'binaryMarshaler', 'textMarshaler'];

export function wireKinds(w: WireType): WireKind[] {
  return WIRE_FIELDS.filter((k) => w[k] !== undefined);
}
