import { describe, expect, it } from 'vitest';
import { GobError, goTimeFromBinary, goTimeToBinary, isZeroGoTime } from './index.js';

// Bytes verified against Go's time.Time.MarshalBinary (reference notes §5.7).
describe('Go binary time', () => {
  it('encodes UTC version 1, with nanoseconds', () => {
    const b = goTimeToBinary(new Date('2024-01-02T03:04:05Z'), 6);
    expect(Buffer.from(b).toString('hex')).toBe('010000000edd257425000000' + '06' + 'ffff');
    expect(isZeroGoTime(goTimeToBinary(new Date(-62135596800000)))).toBe(true);
  });

  it('decodes any zone offset, versions 1 and 2', () => {
    const plus1 = Buffer.from('010000000edd257425000000' + '06' + '003c', 'hex');
    expect(goTimeFromBinary(plus1)).toEqual({ date: new Date('2024-01-02T03:04:05Z'), nanos: 6, offsetMinutes: 60, offsetSeconds: 0 });
    const local = Buffer.from('010000000edd257425000000060000', 'hex'); // time.Local = UTC: offset 0, not ff ff
    expect(goTimeFromBinary(local).offsetMinutes).toBe(0);
    const v2 = Buffer.from('020000000edd25742500000006000a1e', 'hex');
    expect(goTimeFromBinary(v2)).toMatchObject({ offsetMinutes: 10, offsetSeconds: 30 });
  });

  it('rejects bad versions and lengths like UnmarshalBinary', () => {
    expect(() => goTimeFromBinary(Uint8Array.of(3, ...new Array(14).fill(0)))).toThrow('unsupported version 3');
    expect(() => goTimeFromBinary(Uint8Array.of(1, 0, 0))).toThrow('invalid length 3');
    expect(() => goTimeFromBinary(new Uint8Array(0))).toThrow(GobError);
    expect(() => goTimeToBinary(new Date(NaN))).toThrow('invalid Date');
  });
});
