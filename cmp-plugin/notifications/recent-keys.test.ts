import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys.js';

describe('RecentKeys', () => {
  it('reports duplicates and evicts the oldest key beyond capacity', () => {
    const keys = new RecentKeys<number>(2);
    expect(keys.add('a', 1)).toBe(true);
    expect(keys.add('a', 2)).toBe(false);
    expect(keys.get('a')).toBe(1);
    expect(keys.add('b', 3)).toBe(true);
    expect(keys.add('c', 4)).toBe(true);
    expect(keys.size).toBe(2);
    expect(keys.has('a')).toBe(false);
    expect(keys.has('c')).toBe(true);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new RecentKeys(0)).toThrow('positive integer');
  });
});
