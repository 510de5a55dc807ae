import { GobError } from './errors.js';
import { MessageReader } from './reader.js';
import type { GobValue } from './values.js';
import { FIRST_USER_ID, TypeId, wireKinds } from './wire.js';
import type { CommonType, WireType } from './wire.js';

/** Bounds on what one stream may make the decoder do; exceeding one is a GobError, never a crash or a hang. */
export interface GobLimits {
  /** Largest message accepted (Go allows up to 8 GiB). */
  maxMessageBytes: number;
  /** Deepest nesting of values and of type definitions. */
  maxDepth: number;
  /** Largest slice/array/map element count. */
  maxElements: number;
  /** Most type definitions one stream may send (each is kept for the stream's life). */
  maxTypes: number;
  /** Most messages one value may span (its type definitions included). */
  maxMessagesPerValue: number;
}

export const DEFAULT_LIMITS: Readonly<GobLimits> = Object.freeze({
  maxMessageBytes: 16 << 20,
  maxDepth: 200,
  maxElements: 1 << 20,
  maxTypes: 10_000,
  maxMessagesPerValue: 20_000,
});

export function resolveLimits(limits: Partial<GobLimits> | undefined): GobLimits {
  const out = { ...DEFAULT_LIMITS, ...limits };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new GobError(`gob: limit ${k} must be a positive integer, got ${String(v)}`);
  }
  return out;
}

/** Gives the next whole message of the stream, or undefined when none is available (now, or ever). */
export interface MessageFeed {
  next(): Buffer | undefined;
}

/** Thrown through the value decoder when the feed runs dry; the caller decides: EOF, or wait and retry. */
export const NO_MESSAGE: unique symbol = Symbol('gob: no message available');

type DecodeFn = (r: MessageReader, depth: number) => GobValue;

const MAX_INTERFACE_NAME = 1024;
const EMPTY = Buffer.alloc(0);

function copyBytes(b: Buffer): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/**
 * The stateful heart of a gob Decoder for one stream direction: remembers the sender's type definitions and
 * decodes one value at a time from a MessageFeed. A port of Go's decodeTypeSequence/decodeValue, generic: values come
 * out as GobValue shaped by the sender's definitions.
 */
export class DecoderCore {
  readonly limits: GobLimits;
  private readonly wire = new Map<number, WireType>();
  private readonly added: number[] = [];
  private plans = new Map<number, DecodeFn>();
  /** Ids whose plans the current top-level compile created (dropped together if it fails). */
  private compiling: number[] | undefined;
  private readonly reader = new MessageReader(EMPTY);
  private feed: MessageFeed = { next: () => undefined };
  /** Messages taken from the feed during the current value. */
  consumed = 0;

  constructor(limits: GobLimits) {
    this.limits = limits;
  }

  /** The sender's definitions received so far (id → wireType), e.g. to build an encoder type from them. */
  get definitions(): ReadonlyMap<number, WireType> {
    return this.wire;
  }

  /** State to return to if a decode attempt must be retried with more messages. */
  mark(): number {
    return this.added.length;
  }

  rollback(mark: number): void {
    if (this.added.length === mark) return;
    for (const id of this.added.splice(mark)) this.wire.delete(id);
    this.plans = new Map(); // compiled plans may refer to the removed definitions
  }

  /** Decodes one value (its type definitions first). Throws NO_MESSAGE if the feed runs dry. */
  decodeValue(feed: MessageFeed): GobValue {
    this.feed = feed;
    this.consumed = 0;
    this.reader.load(EMPTY);
    try {
      const id = this.decodeTypeSequence(false);
      return this.decodeTop(id, 0);
    } finally {
      // Like Go, whatever follows the value in its message is dropped.
      this.reader.load(EMPTY);
      this.feed = { next: () => undefined };
    }
  }

  private nextMessage(): void {
    if (this.consumed >= this.limits.maxMessagesPerValue) {
      throw new GobError(`gob: value spans more than ${this.limits.maxMessagesPerValue} messages`);
    }
    const m = this.feed.next();
    if (m === undefined) throw NO_MESSAGE;
    if (m.length === 0) throw new GobError('gob: empty message');
    this.consumed++;
    this.reader.load(m);
  }

  /** Go's decodeTypeSequence: definitions until a value's type id; inside an interface, skips delimited counts. */
  private decodeTypeSequence(isInterface: boolean): number {
    const r = this.reader;
    for (;;) {
      if (r.remaining === 0) this.nextMessage();
      const id = r.smallInt('type id');
      if (id >= 0) return id;
      this.recvType(-id);
      if (r.remaining > 0) {
        if (!isInterface) throw new GobError('gob: extra data in buffer');
        r.uint();
      }
    }
  }

  private recvType(id: number): void {
    if (id < FIRST_USER_ID || this.wire.has(id)) throw new GobError('gob: duplicate type received');
    if (this.wire.size >= this.limits.maxTypes) throw new GobError(`gob: more than ${this.limits.maxTypes} type definitions on one stream`);
    const w = decodeWireType(this.reader);
    this.wire.set(id, w);
    this.added.push(id);
  }

  private decodeTop(id: number, depth: number): GobValue {
    const plan = this.planFor(id, 0);
    const r = this.reader;
    if (this.wire.get(id)?.struct !== undefined) return plan(r, depth);
    const delta = r.uint();
    if (delta !== 0) throw new GobError('gob: decode: corrupted data: non-zero delta for singleton');
    return plan(r, depth);
  }

  private planFor(id: number, typeDepth: number): DecodeFn {
    const known = this.plans.get(id);
    if (known !== undefined) return known;
    const outermost = this.compiling === undefined;
    if (outermost) this.compiling = [];
    try {
      return this.compile(id, typeDepth);
    } catch (e) {
      // Drop half-built plans: some may hold the placeholder of one that failed.
      if (outermost) for (const k of this.compiling!) this.plans.delete(k);
      throw e;
    } finally {
      if (outermost) this.compiling = undefined;
    }
  }

  private compile(id: number, typeDepth: number): DecodeFn {
    const basic = BASIC_PLANS[id];
    if (basic !== undefined) return basic;
    if (id === TypeId.Interface) return (r, depth) => this.decodeInterface(r, depth);
    if (typeDepth > this.limits.maxDepth) throw new GobError(`gob: type definitions nested deeper than ${this.limits.maxDepth}`);
    const w = this.wire.get(id);
    if (w === undefined) throw new GobError(`gob: bad data: undefined type id ${id}`);
    const kinds = wireKinds(w);
    if (kinds.length !== 1) throw new GobError(`gob: type id ${id}: definition must describe exactly one kind, got ${kinds.length}`);
    // Placeholder first, so recursive types (a struct holding a slice of itself) compile.
    let impl: DecodeFn | undefined;
    const self: DecodeFn = (r, depth) => impl!(r, depth);
    this.plans.set(id, self);
    this.compiling?.push(id);
    const maxDepth = this.limits.maxDepth;
    const maxElements = this.limits.maxElements;
    const enter = (depth: number): number => {
      if (depth >= maxDepth) throw new GobError(`gob: value nested deeper than ${maxDepth}`);
      return depth + 1;
    };
    if (w.struct !== undefined) {
      const names = w.struct.fields.map((f) => f.name);
      const ops = w.struct.fields.map((f) => this.planFor(f.id, typeDepth + 1));
      const n = ops.length;
      const typeName = w.struct.common.name;
      impl = (r, depth) => {
        const d = enter(depth);
        const obj: Record<string, GobValue> = {};
        let field = -1;
        while (r.remaining > 0) {
          const delta = r.uint();
          if (delta === 0) break;
          if (typeof delta === 'bigint' || field >= n - delta) {
            throw new GobError(`gob: bad data: field numbers out of bounds in struct ${typeName || `id ${id}`}`);
          }
          field += delta;
          const v = ops[field]!(r, d);
          const name = names[field]!;
          if (name === '__proto__') Object.defineProperty(obj, name, { value: v, enumerable: true, writable: true, configurable: true });
          else obj[name] = v;
        }
        return obj;
      };
    } else if (w.slice !== undefined || w.array !== undefined) {
      const elem = this.planFor((w.slice ?? w.array)!.elem, typeDepth + 1);
      const fixed = w.array?.len;
      if (fixed !== undefined && (fixed < 0 || fixed > maxElements)) throw new GobError(`gob: array length ${fixed} out of range in type id ${id}`);
      impl = (r, depth) => {
        const d = enter(depth);
        const count = r.count(maxElements, fixed === undefined ? 'slice length' : 'array length');
        if (fixed !== undefined && count !== fixed) throw new GobError('gob: length mismatch in decodeArray');
        const out: GobValue[] = [];
        for (let i = 0; i < count; i++) {
          if (r.remaining === 0) throw new GobError(`gob: decoding array or slice: length exceeds input size (${count} elements)`);
          out.push(elem(r, d));
        }
        return out;
      };
    } else if (w.map !== undefined) {
      const key = this.planFor(w.map.key, typeDepth + 1);
      const elem = this.planFor(w.map.elem, typeDepth + 1);
      impl = (r, depth) => {
        const d = enter(depth);
        const count = r.count(maxElements, 'map size');
        const out = new Map<GobValue, GobValue>();
        for (let i = 0; i < count; i++) {
          if (r.remaining === 0) throw new GobError(`gob: decoding map: length exceeds input size (${count} entries)`);
          const k = key(r, d);
          out.set(k, elem(r, d));
        }
        return out;
      };
    } else {
      impl = (r) => copyBytes(r.bytes(r.length('GobEncoder data')));
    }
    this.plans.set(id, impl);
    return impl;
  }

  private decodeInterface(r: MessageReader, depth: number): GobValue {
    if (depth >= this.limits.maxDepth) throw new GobError(`gob: value nested deeper than ${this.limits.maxDepth}`);
    const n = r.uint();
    if (typeof n === 'bigint' || n > r.remaining) throw new GobError(`gob: invalid type name length ${n}: exceeds input size`);
    if (n === 0) return null;
    if (n > MAX_INTERFACE_NAME) throw new GobError(`gob: interface type name too long (${n} bytes)`);
    const name = r.buf.toString('utf8', r.pos, r.pos + n);
    r.skip(n);
    const id = this.decodeTypeSequence(true);
    r.uint(); // the value's byte count: only needed to skip it, and we decode it
    return { $interface: name, value: this.decodeTop(id, depth + 1) };
  }
}

const BASIC_PLANS: Readonly<Record<number, DecodeFn>> = {
  [TypeId.Bool]: (r) => r.uint() !== 0,
  [TypeId.Int]: (r) => r.int(),
  [TypeId.Uint]: (r) => r.uint(),
  [TypeId.Float]: (r) => r.float(),
  [TypeId.Bytes]: (r) => copyBytes(r.bytes(r.length('[]byte'))),
  [TypeId.String]: (r) => r.string('string'),
  [TypeId.Complex]: (r) => ({ real: r.float(), imag: r.float() }),
};

// ---- wireType, decoded by hand: its schema is fixed and known to both sides without being sent. ----

function structFields(r: MessageReader, nFields: number, what: string, onField: (field: number) => void): void {
  let field = -1;
  while (r.remaining > 0) {
    const delta = r.uint();
    if (delta === 0) return;
    if (typeof delta === 'bigint' || field >= nFields - delta) throw new GobError(`gob: bad data: field numbers out of bounds in ${what}`);
    field += delta;
    onField(field);
  }
}

function commonType(r: MessageReader): CommonType {
  let name = '';
  let id = 0;
  structFields(r, 2, 'CommonType', (f) => {
    if (f === 0) name = r.string('type name');
    else id = r.smallInt('CommonType.Id');
  });
  return { name, id };
}

function typeRef(r: MessageReader, what: string): number {
  return r.smallInt(what);
}

export function decodeWireType(r: MessageReader): WireType {
  const w: WireType = {};
  structFields(r, 7, 'wireType', (f) => {
    switch (f) {
      case 0: {
        let common: CommonType = { name: '', id: 0 };
        let elem = 0;
        let len = 0;
        structFields(r, 3, 'arrayType', (g) => {
          if (g === 0) common = commonType(r);
          else if (g === 1) elem = typeRef(r, 'array element type');
          else len = r.smallInt('array length');
        });
        w.array = { common, elem, len };
        break;
      }
      case 1: {
        let common: CommonType = { name: '', id: 0 };
        let elem = 0;
        structFields(r, 2, 'sliceType', (g) => {
          if (g === 0) common = commonType(r);
          else elem = typeRef(r, 'slice element type');
        });
        w.slice = { common, elem };
        break;
      }
      case 2: {
        let common: CommonType = { name: '', id: 0 };
        const fields: { name: string; id: number }[] = [];
        structFields(r, 2, 'structType', (g) => {
          if (g === 0) {
            common = commonType(r);
            return;
          }
          const n = r.count(1 << 16, 'struct field count');
          for (let i = 0; i < n; i++) {
            if (r.remaining === 0) throw new GobError(`gob: struct field list: length exceeds input size (${n} fields)`);
            let name = '';
            let id = 0;
            structFields(r, 2, 'fieldType', (h) => {
              if (h === 0) name = r.string('field name');
              else id = typeRef(r, 'field type');
            });
            fields.push({ name, id });
          }
        });
        w.struct = { common, fields };
        break;
      }
      case 3: {
        let common: CommonType = { name: '', id: 0 };
        let key = 0;
        let elem = 0;
        structFields(r, 3, 'mapType', (g) => {
          if (g === 0) common = commonType(r);
          else if (g === 1) key = typeRef(r, 'map key type');
          else elem = typeRef(r, 'map element type');
        });
        w.map = { common, key, elem };
        break;
      }
      default: {
        let common: CommonType = { name: '', id: 0 };
        structFields(r, 1, 'gobEncoderType', () => {
          common = commonType(r);
        });
        if (f === 4) w.gobEncoder = { common };
        else if (f === 5) w.binaryMarshaler = { common };
        else w.textMarshaler = { common };
      }
    }
  });
  return w;
}
