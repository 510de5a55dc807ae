// Go encoding/gob for TypeScript: a type DSL and stateful encoder, a generic stateful decoder, Go's binary time.
export { t, goTypeName, fieldType, basePointee } from './types.js';
export type {
  GoType, BasicKind, BasicType, StructType, PointerType, SliceType, ArrayType, MapType, InterfaceType, OpaqueType,
  OpaqueOptions, Marshaler, FieldSpec,
} from './types.js';
export type { GobValue, GobInterface, GobInterfaceInput, GobComplex } from './values.js';
export { isGobInterface, isGobStruct } from './values.js';
export { GobEncoder } from './encoder.js';
export { GobDecoder, GobSyncDecoder } from './decoder.js';
export { DEFAULT_LIMITS } from './decoder-core.js';
export type { GobLimits } from './decoder-core.js';
export { StreamByteSource, BufferByteSource } from './source.js';
export type { ByteSource, BufferedByteSource } from './source.js';
export { GobError, GobEOFError } from './errors.js';
export { goTimeToBinary, goTimeFromBinary, isZeroGoTime, goTimeType } from './time.js';
export type { GoTime } from './time.js';
export { goTypeFromWire } from './from-wire.js';
export type { WireType, CommonType } from './wire.js';
export { TypeId, FIRST_USER_ID } from './wire.js';
