import { ByteWriter } from './bytes.js';
import { GobError } from './errors.js';
import { basePointee, fieldType, goTypeName } from './types.js';
import type { GoType, MapType, OpaqueType, StructType } from './types.js';
import type { GobInterfaceInput } from './values.js';
import { TypeId } from './wire.js';

const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;
const MAX_U64 = (1n << 64n) - 1n;
const FIRST_ID = 65; // what Go 1.19 used first; any id ≥ 64 unique per stream is valid

interface ResolvedField {
  readonly name: string;
  readonly type: GoType; // as declared (may be a pointer)
  readonly base: GoType; // pointee
  readonly isPtr: boolean;
}

const resolvedStructs = new WeakMap<StructType, { fields: ResolvedField[]; index: Set<string> }>();

function resolveStruct(st: StructType): { fields: ResolvedField[]; index: Set<string> } {
  let r = resolvedStructs.get(st);
  if (r === undefined) {
    const fields = st.fields.map((spec) => {
      const type = fieldType(spec);
      return { name: spec[0], type, base: basePointee(type), isPtr: type.kind === 'ptr' };
    });
    r = { fields, index: new Set(fields.map((f) => f.name)) };
    resolvedStructs.set(st, r);
  }
  return r;
}

/** Types gob describes on the wire; basic types, interfaces and []byte have fixed ids. */
function needsDefinition(t: GoType): boolean {
  switch (t.kind) {
    case 'struct': case 'slice': case 'array': case 'map': case 'opaque': return true;
    default: return false;
  }
}

const BASIC_IDS: Readonly<Record<string, number>> = {
  bool: TypeId.Bool, int: TypeId.Int, uint: TypeId.Uint, float: TypeId.Float, bytes: TypeId.Bytes,
  string: TypeId.String, complex: TypeId.Complex, iface: TypeId.Interface,
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'Map';
  if (v instanceof Uint8Array) return 'Uint8Array';
  return typeof v;
}

function fail(path: string, msg: string): never {
  throw new GobError(`gob: encode ${path}: ${msg}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array);
}

/**
 * One stream direction's gob Encoder. `encode(type, value)` returns the bytes of one Go Encode(): the definitions of
 * types this stream has not yet carried (each once, ids from 65 in the order Go sends them: the type, then its
 * components depth-first), then the value message. It is all-or-nothing: on error nothing is marked as sent.
 *
 * Values: struct → object keyed by Go field name (absent/undefined ⇒ Go zero value; unknown keys are errors);
 * pointer → null/undefined for nil; slice/array → array; map → Map or plain object; int/uint → number or bigint;
 * []byte and opaque (GobEncoder) types → Uint8Array (or what the type's toBytes accepts, e.g. a Date for goTimeType);
 * interface → GobInterfaceInput { $interface, type, value } or null.
 */
export class GobEncoder {
  private readonly sent = new Map<GoType, number>();
  private nextId = FIRST_ID;
  private writers: ByteWriter[] = [];
  private addedThisEncode: GoType[] = [];
  // Reused across encode() calls (the result is copied out).
  private readonly out = new ByteWriter(1024);
  private readonly top = new ByteWriter(512);

  encode(type: GoType, value: unknown): Buffer {
    return this.encodeMany([[type, value]]);
  }

  /**
   * Several Encode()s as one all-or-nothing unit (e.g. a net/rpc header and its body): either every value is
   * encoded and the definitions they needed are marked sent, or a GobError is thrown and nothing is marked.
   */
  encodeMany(items: ReadonlyArray<readonly [GoType, unknown]>): Buffer {
    const idBefore = this.nextId;
    this.addedThisEncode = [];
    try {
      const parts = items.map(([type, value]) => this.encodeOne(type, value));
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    } catch (e) {
      for (const t of this.addedThisEncode) this.sent.delete(t);
      this.nextId = idBefore;
      throw e;
    } finally {
      this.writers = [];
      this.addedThisEncode = [];
    }
  }

  private encodeOne(type: GoType, value: unknown): Buffer {
    const out = this.out;
    const b = this.top;
    out.reset();
    b.reset();
    this.writers = [out];
    try {
      if (type.kind === 'ptr' && value == null) fail(goTypeName(type), 'cannot encode nil pointer at top level');
      const base = basePointee(type);
      this.sendTypeDescriptor(b, base);
      b.int(this.idOf(base));
      this.encodeTop(b, base, value, goTypeName(base));
      writeMessage(out, b);
      return out.copy();
    } catch (e) {
      throw e instanceof GobError ? e : new GobError(`gob: encode ${goTypeName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The id this stream uses for `type` (defined or predefined), or undefined if not yet sent. */
  idFor(type: GoType): number | undefined {
    const base = basePointee(type);
    return BASIC_IDS[base.kind] ?? this.sent.get(base);
  }

  private idOf(t: GoType): number {
    const base = basePointee(t);
    const id = BASIC_IDS[base.kind] ?? this.sent.get(base);
    if (id === undefined) throw new GobError(`gob: internal: type ${goTypeName(base)} has no id`);
    return id;
  }

  /** Go's sendTypeDescriptor: defines `base` and everything it reaches not yet sent, in Go's order. */
  private sendTypeDescriptor(b: ByteWriter, base: GoType): void {
    if (!needsDefinition(base) || this.sent.has(base)) return;
    const order: GoType[] = [];
    const visit = (t0: GoType): void => {
      const t = basePointee(t0);
      if (!needsDefinition(t) || this.sent.has(t)) return;
      this.sent.set(t, this.nextId++);
      this.addedThisEncode.push(t);
      order.push(t);
      switch (t.kind) {
        case 'struct': for (const f of resolveStruct(t).fields) visit(f.type); break;
        case 'slice': case 'array': visit(t.elem); break;
        case 'map': visit(t.key); visit(t.elem); break;
        default: break;
      }
    };
    visit(base);
    const w = this.writers[this.writers.length - 1]!;
    for (const t of order) {
      b.int(-this.idOf(t));
      this.writeWireType(b, t);
      writeMessage(w, b); // the first one also carries what `b` held (an interface's name), as in Go
    }
  }

  private writeCommon(b: ByteWriter, name: string, id: number): void {
    b.uint(1); // CommonType is field 0 of every xxxType
    if (name !== '') {
      b.uint(1);
      b.string(name);
      b.uint(1);
    } else {
      b.uint(2);
    }
    b.int(id);
    b.uint(0);
  }

  private writeWireType(b: ByteWriter, t: GoType): void {
    const id = this.idOf(t);
    switch (t.kind) {
      case 'array':
        b.uint(1);
        this.writeCommon(b, t.name, id);
        b.uint(1);
        b.int(this.idOf(t.elem));
        if (t.len !== 0) {
          b.uint(1);
          b.int(t.len);
        }
        b.uint(0);
        break;
      case 'slice':
        b.uint(2);
        this.writeCommon(b, t.name, id);
        b.uint(1);
        b.int(this.idOf(t.elem));
        b.uint(0);
        break;
      case 'struct': {
        b.uint(3);
        this.writeCommon(b, t.name, id);
        const fields = resolveStruct(t).fields;
        if (fields.length > 0) {
          b.uint(1);
          b.uint(fields.length);
          for (const f of fields) {
            b.uint(1);
            b.string(f.name);
            b.uint(1);
            b.int(this.idOf(f.type));
            b.uint(0);
          }
        }
        b.uint(0);
        break;
      }
      case 'map':
        b.uint(4);
        this.writeCommon(b, t.name, id);
        b.uint(1);
        b.int(this.idOf(t.key));
        b.uint(1);
        b.int(this.idOf(t.elem));
        b.uint(0);
        break;
      case 'opaque':
        b.uint(t.marshaler === 'gob' ? 5 : t.marshaler === 'binary' ? 6 : 7);
        this.writeCommon(b, t.name, id);
        b.uint(0);
        break;
      default:
        throw new GobError(`gob: internal: no definition for ${t.kind}`);
    }
    b.uint(0); // end of wireType
  }

  /** A top-level (or interface-held) value: a struct as its fields, anything else as a singleton `00 value`. */
  private encodeTop(b: ByteWriter, base: GoType, value: unknown, path: string): void {
    if (base.kind === 'struct') {
      this.encodeStruct(b, base, value, path);
    } else {
      b.uint(0);
      this.encodeValue(b, base, value, path);
    }
  }

  private encodeStruct(b: ByteWriter, st: StructType, value: unknown, path: string): void {
    const { fields, index } = resolveStruct(st);
    const name = st.name || 'struct {}';
    let obj: Record<string, unknown>;
    if (value == null) obj = {};
    else if (isPlainObject(value)) obj = value;
    else fail(path, `expected an object for struct ${name}, got ${describe(value)}`);
    for (const k in obj) {
      if (!index.has(k) && obj[k] !== undefined) fail(path, `struct ${name} has no field ${k}`);
    }
    let last = -1;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = obj[f.name];
      const fb = f.base;
      if (v == null) {
        // A nil pointer is omitted; a value-typed struct or array is always sent, zero or not.
        if (f.isPtr || (fb.kind !== 'struct' && fb.kind !== 'array')) continue;
      } else if (!(f.isPtr && fb.kind === 'opaque') && isZeroField(fb, v)) {
        // Go judges a marshaler where it finds the method: a non-nil *metav1.Time is sent even if the time is zero.
        continue;
      }
      b.uint(i - last);
      last = i;
      this.encodeValue(b, fb, v, `${path}.${f.name}`);
    }
    b.uint(0);
  }

  /** An element of a slice/array/map: always sent; a nil pointer there is an error, as in Go. */
  private encodeElem(b: ByteWriter, t: GoType, v: unknown, path: string): void {
    if (t.kind === 'ptr') {
      if (v == null) fail(path, 'nil pointer element');
      this.encodeValue(b, basePointee(t), v, path);
    } else {
      this.encodeValue(b, t, v, path);
    }
  }

  /** The body of a value of base type t (null/undefined ⇒ Go's zero value). */
  private encodeValue(b: ByteWriter, t: GoType, v: unknown, path: string): void {
    switch (t.kind) {
      case 'bool':
        if (v == null || v === false) b.uint(0);
        else if (v === true) b.uint(1);
        else fail(path, `expected boolean, got ${describe(v)}`);
        return;
      case 'int':
        if (v == null) b.uint(0);
        else if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) fail(path, `int value ${v} is not an integer in int64 range`);
          b.int(v);
        } else if (typeof v === 'bigint') {
          if (v < MIN_I64 || v > MAX_I64) fail(path, `int value ${v} outside int64`);
          b.bigInt(v);
        } else fail(path, `expected integer, got ${describe(v)}`);
        return;
      case 'uint':
        if (v == null) b.uint(0);
        else if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < 0 || v >= 2 ** 64) fail(path, `uint value ${v} is not an integer in uint64 range`);
          if (v <= Number.MAX_SAFE_INTEGER) b.uint(v);
          else b.bigUint(BigInt(v));
        } else if (typeof v === 'bigint') {
          if (v < 0n || v > MAX_U64) fail(path, `uint value ${v} outside uint64`);
          b.bigUint(v);
        } else fail(path, `expected non-negative integer, got ${describe(v)}`);
        return;
      case 'float':
        if (v == null) b.uint(0);
        else if (typeof v === 'number') b.float(v);
        else fail(path, `expected number, got ${describe(v)}`);
        return;
      case 'complex': {
        if (v == null) {
          b.uint(0);
          b.uint(0);
          return;
        }
        const c = v as { real?: unknown; imag?: unknown };
        if (!isPlainObject(v) || typeof c.real !== 'number' || typeof c.imag !== 'number') fail(path, 'expected { real, imag } numbers for complex');
        b.float(c.real);
        b.float(c.imag);
        return;
      }
      case 'string':
        if (v == null) b.uint(0);
        else if (typeof v === 'string') b.string(v);
        else fail(path, `expected string, got ${describe(v)}`);
        return;
      case 'bytes':
        if (v == null) b.uint(0);
        else if (v instanceof Uint8Array) b.lengthPrefixed(v);
        else fail(path, `expected Uint8Array for []byte, got ${describe(v)}`);
        return;
      case 'slice': {
        if (v == null) {
          b.uint(0);
          return;
        }
        if (!Array.isArray(v)) fail(path, `expected array for ${t.name}, got ${describe(v)}`);
        b.uint(v.length);
        for (let i = 0; i < v.length; i++) this.encodeElem(b, t.elem, v[i], `${path}[${i}]`);
        return;
      }
      case 'array': {
        if (v != null && (!Array.isArray(v) || v.length !== t.len)) fail(path, `expected array of length ${t.len} for ${t.name}, got ${Array.isArray(v) ? `length ${v.length}` : describe(v)}`);
        b.uint(t.len);
        for (let i = 0; i < t.len; i++) this.encodeElem(b, t.elem, v == null ? undefined : (v as unknown[])[i], `${path}[${i}]`);
        return;
      }
      case 'map':
        this.encodeMap(b, t, v, path);
        return;
      case 'struct':
        this.encodeStruct(b, t, v, path);
        return;
      case 'iface':
        this.encodeInterface(b, v, path);
        return;
      case 'opaque':
        b.lengthPrefixed(opaqueBytes(t, v, path) ?? fail(path, `${t.name}: a value is required here (no zero bytes known for this GobEncoder)`));
        return;
      case 'ptr':
        fail(path, 'internal: pointer reached encodeValue');
    }
  }

  private encodeMap(b: ByteWriter, t: MapType, v: unknown, path: string): void {
    if (v == null) {
      b.uint(0);
      return;
    }
    if (v instanceof Map) {
      b.uint(v.size);
      for (const [k, e] of v) {
        this.encodeElem(b, t.key, k, `${path}[key]`);
        this.encodeElem(b, t.elem, e, `${path}[${String(k)}]`);
      }
      return;
    }
    if (!isPlainObject(v)) fail(path, `expected Map or object for ${t.name}, got ${describe(v)}`);
    if (basePointee(t.key).kind !== 'string') fail(path, `a plain object can only stand for a map with string keys (${t.name})`);
    const keys = Object.keys(v);
    b.uint(keys.length);
    for (const k of keys) {
      this.encodeElem(b, t.key, k, `${path}[key]`);
      this.encodeElem(b, t.elem, v[k], `${path}[${k}]`);
    }
  }

  /** Go's encodeInterface: name, then (new) definitions, the concrete id and the value as a delimited message. */
  private encodeInterface(b: ByteWriter, v: unknown, path: string): void {
    if (v == null) {
      b.uint(0);
      return;
    }
    const input = v as Partial<GobInterfaceInput>;
    if (!isPlainObject(v) || typeof input.$interface !== 'string' || typeof input.type !== 'object' || input.type === null) {
      fail(path, 'expected null or { $interface, type, value } for an interface');
    }
    const name = input.$interface;
    if (name === '' || Buffer.byteLength(name) > 1024) fail(path, `interface name must be 1–1024 bytes, got ${JSON.stringify(name)}`);
    const type = input.type;
    if (type.kind === 'ptr' && input.value == null) fail(path, `cannot encode nil pointer of type ${goTypeName(type)} inside interface`);
    const base = basePointee(type);
    b.string(name);
    this.sendTypeDescriptor(b, base);
    b.int(this.idOf(base));
    const data = new ByteWriter(256);
    this.writers.push(b);
    try {
      this.encodeTop(data, base, input.value, `${path}(${name})`);
    } finally {
      this.writers.pop();
    }
    writeMessage(b, data);
  }
}

function opaqueBytes(t: OpaqueType, v: unknown, path: string): Uint8Array | undefined {
  if (v == null) return t.zero;
  const converted = t.toBytes?.(v);
  if (converted !== undefined) return converted;
  if (v instanceof Uint8Array) return v;
  return fail(path, `expected Uint8Array for GobEncoder ${t.name}, got ${describe(v)}`);
}

/** Go omits a struct field holding its type's zero value; nested structs, arrays and non-nil maps are always sent. */
function isZeroField(t: GoType, v: unknown): boolean {
  switch (t.kind) {
    case 'bool': return v === false;
    case 'int': case 'uint': case 'float': return v === 0 || v === 0n;
    case 'complex': return isPlainObject(v) && v.real === 0 && v.imag === 0;
    case 'string': return v === '';
    case 'bytes': return v instanceof Uint8Array && v.length === 0;
    case 'slice': return Array.isArray(v) && v.length === 0;
    case 'opaque': {
      if (t.isZero === undefined) return false;
      const bytes = t.toBytes?.(v) ?? (v instanceof Uint8Array ? v : undefined);
      return bytes !== undefined && t.isZero(bytes);
    }
    default: return false;
  }
}

function writeMessage(w: ByteWriter, b: ByteWriter): void {
  w.uint(b.len);
  w.bytes(b.buf.subarray(0, b.len));
  b.reset();
}
