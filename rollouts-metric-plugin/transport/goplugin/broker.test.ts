import { describe, expect, it } from 'vitest';
import { BufferByteSource } from '../gob/index.js';
import { DispensedIds, encodeBrokerId, readBrokerId } from './broker.js';

describe('broker ids', () => {
  it('hands out 1, 2, … and lets each be claimed once', () => {
    const ids = new DispensedIds<string>();
    expect([ids.reserve('a'), ids.reserve('b')]).toEqual([1, 2]);
    expect(ids.claim(2)).toBe('b');
    expect(ids.claim(2)).toBeUndefined();
    expect(ids.claim(3)).toBeUndefined();
    expect(ids.claim(1)).toBe('a');
  });

  it('bounds ids waiting for their stream, and forgets them after the TTL as Go\'s Accept does', async () => {
    const ids = new DispensedIds<number>(2, 10);
    ids.reserve(1);
    ids.reserve(2);
    expect(() => ids.reserve(3)).toThrow('too many dispensed plugins not yet connected (limit 2)');
    while (ids.waiting > 0) await new Promise((r) => setTimeout(r, 5));
    expect(ids.claim(1)).toBeUndefined();
    expect(ids.reserve(3)).toBe(3);
  });

  it('encodes ids as 4 bytes little-endian and reads them back', async () => {
    expect(encodeBrokerId(1).toString('hex')).toBe('01000000');
    expect(encodeBrokerId(0x01020304).toString('hex')).toBe('04030201');
    expect(await readBrokerId(new BufferByteSource(Buffer.from('07000000', 'hex')), 1000)).toBe(7);
  });
});
