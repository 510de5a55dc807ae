import { GobError } from './errors.js';
import { t } from './types.js';
import type { OpaqueType } from './types.js';

// Seconds from 0001-01-01T00:00:00Z to the Unix epoch, as in Go's time package.
const UNIX_TO_INTERNAL = 62135596800n;

/**
 * Go's time.Time.MarshalBinary (also its GobEncode, and so metav1.Time's): version 1, UTC (offset −1 = ff ff).
 * `nanos` (0–999,999,999) replaces the Date's millisecond fraction, for sub-millisecond precision.
 */
export function goTimeToBinary(date: Date, nanos?: number): Uint8Array {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new GobError('goTimeToBinary: invalid Date');
  let sec = BigInt(Math.floor(ms / 1000));
  let nsec = (ms - Number(sec) * 1000) * 1_000_000;
  if (nanos !== undefined) {
    if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
      throw new GobError(`goTimeToBinary: nanos must be an integer in [0, 999999999], got ${nanos}`);
    }
    nsec = nanos;
  }
  sec += UNIX_TO_INTERNAL;
  const out = new Uint8Array(15);
  const view = new DataView(out.buffer);
  out[0] = 1;
  view.setBigInt64(1, sec);
  view.setInt32(9, nsec);
  view.setInt16(13, -1);
  return out;
}

export interface GoTime {
  /** The instant, to the millisecond. */
  readonly date: Date;
  /** Nanoseconds within the second (full precision). */
  readonly nanos: number;
  /** Zone offset in minutes east of UTC, or null for Go's UTC location (offset field −1). */
  readonly offsetMinutes: number | null;
  /** Extra offset seconds (version-2 encodings, zones with second offsets); 0 otherwise. */
  readonly offsetSeconds: number;
}

/** Go's time.Time.UnmarshalBinary: versions 1 (15 bytes) and 2 (16 bytes), any zone offset. */
export function goTimeFromBinary(bytes: Uint8Array): GoTime {
  if (bytes.length === 0) throw new GobError('Time.UnmarshalBinary: no data');
  const version = bytes[0];
  if (version !== 1 && version !== 2) throw new GobError(`Time.UnmarshalBinary: unsupported version ${version}`);
  const want = version === 1 ? 15 : 16;
  if (bytes.length !== want) throw new GobError(`Time.UnmarshalBinary: invalid length ${bytes.length} for version ${version}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sec = view.getBigInt64(1) - UNIX_TO_INTERNAL;
  const nanos = view.getInt32(9);
  if (nanos < 0 || nanos > 999_999_999) throw new GobError(`Time.UnmarshalBinary: nanoseconds out of range: ${nanos}`);
  const offset = view.getInt16(13);
  const offsetSeconds = version === 2 ? view.getInt8(15) : 0;
  const ms = Number(sec) * 1000 + Math.floor(nanos / 1_000_000);
  return { date: new Date(ms), nanos, offsetMinutes: offset === -1 ? null : offset, offsetSeconds };
}

const ZERO_TIME = goTimeToBinary(new Date(-Number(UNIX_TO_INTERNAL) * 1000));

/** True for the bytes of Go's zero time.Time (time.Time{}), which Go omits from struct fields. */
export function isZeroGoTime(bytes: Uint8Array): boolean {
  if (bytes.length !== ZERO_TIME.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== ZERO_TIME[i]) return false;
  return true;
}

/**
 * A time.Time-backed GobEncoder (time.Time itself, metav1.Time): accepts a Date or the marshaled bytes, omits the
 * zero time from struct fields like Go, and sends Go's zero time where a value is required.
 */
export function goTimeType(name = 'Time'): OpaqueType {
  return t.gobEncoder(name, {
    isZero: isZeroGoTime,
    zero: ZERO_TIME,
    toBytes: (v) => (v instanceof Date ? goTimeToBinary(v) : undefined),
  });
}
