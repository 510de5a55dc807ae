import { describe, expect, it } from 'vitest';
import {
  childTraceparent,
  deriveTraceparent,
  formatTraceparent,
  isSampled,
  newTraceparent,
  normalizeTraceparent,
  parseTraceparent,
  TraceFlags,
} from './traceparent.js';
import { seededRandom } from '../test/support/random.js';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const VALID = `00-${ID}-${PARENT}-01`;

describe('parseTraceparent', () => {
  it('parses the spec example', () => {
    expect(parseTraceparent(VALID)).toEqual({
      ok: true,
      value: { version: 0, traceId: ID, parentId: PARENT, flags: 1 },
    });
  });

  it.each([
    ['empty', '', 'expected version-traceid-parentid-flags, got 1 field'],
    ['not a traceparent', 'bad', 'expected version-traceid-parentid-flags, got 1 field'],
    ['too few fields', `00-${ID}-${PARENT}`, 'got 3 fields'],
    ['empty version', `-${ID}-${PARENT}-01`, 'version must be 2 hex characters, got 0'],
    ['uppercase trace-id', `00-${ID.toUpperCase()}-${PARENT}-01`, 'trace-id must be lowercase hex'],
    ['uppercase version', `0A-${ID}-${PARENT}-01`, 'version must be lowercase hex'],
    ['uppercase flags', `00-${ID}-${PARENT}-0A`, 'trace-flags must be lowercase hex'],
    ['non-hex parent-id', `00-${ID}-${PARENT.slice(0, 15)}g-01`, 'parent-id contains a character that is not lowercase hex'],
    ['all-zero trace-id', `00-${'0'.repeat(32)}-${PARENT}-01`, 'trace-id must not be all zeros'],
    ['all-zero parent-id', `00-${ID}-${'0'.repeat(16)}-01`, 'parent-id must not be all zeros'],
    ['version ff', `ff-${ID}-${PARENT}-01`, 'version ff is forbidden'],
    ['v00 trailing dash data', `${VALID}-extra`, 'version 00 allows no data after trace-flags'],
    ['v00 trailing char', `${VALID}.`, 'trace-flags must be 2 hex characters, got 3'],
    ['leading space (strip OWS first)', ` ${VALID}`, 'version'],
    ['trailing space', `${VALID} `, 'trace-flags must be 2 hex characters, got 3'],
    ['short trace-id', `00-${ID.slice(1)}-${PARENT}-01`, 'trace-id must be 32 hex characters, got 31'],
    ['future version, bad char 56', `cc-${ID}-${PARENT}-01.x`, 'character 56 must be "-" or the end'],
    ['future version, too short', `cc-${ID}-${PARENT}-1`, 'trace-flags must be 2 hex characters, got 1'],
    ['future version, shifted separator', `cc-${ID}0-${PARENT.slice(1)}-01`, 'trace-id must be 32 hex characters, got 33'],
  ])('rejects %s', (_name, value, why) => {
    const result = parseTraceparent(value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain(why);
      expect(result.problem).toContain('invalid traceparent');
    }
  });

  it('accepts a future version with more fields and reads only the first four', () => {
    const result = parseTraceparent(`cc-${ID}-${PARENT}-03-what-the-future-holds`);
    expect(result).toEqual({ ok: true, value: { version: 0xcc, traceId: ID, parentId: PARENT, flags: 3 } });
  });

  it('treats flags as bits, not as a value', () => {
    for (const [flags, sampled] of [['00', false], ['01', true], ['02', false], ['03', true], ['09', true], ['fe', false]] as const) {
      const parsed = parseTraceparent(`00-${ID}-${PARENT}-${flags}`);
      expect(parsed.ok && isSampled(parsed.value)).toBe(sampled);
    }
  });
});

describe('formatTraceparent', () => {
  it('round-trips a valid version 00 value', () => {
    const parsed = parseTraceparent(VALID);
    expect(parsed.ok && formatTraceparent(parsed.value)).toBe(VALID);
  });

  it('writes version 00 and masks unknown flag bits', () => {
    expect(formatTraceparent({ traceId: ID, parentId: PARENT, flags: 0xff })).toBe(`00-${ID}-${PARENT}-03`);
    expect(normalizeTraceparent(`cc-${ID}-${PARENT}-f1-more`)).toEqual({ ok: true, value: `00-${ID}-${PARENT}-01` });
  });
});

describe('new ids', () => {
  const counter = () => {
    let n = 0;
    return (size: number) => Uint8Array.from({ length: size }, () => (n++ % 255) + 1);
  };

  it('creates a sampled, random-flagged traceparent from the injected random source', () => {
    const tp = newTraceparent(counter());
    expect(formatTraceparent(tp)).toBe('00-0102030405060708090a0b0c0d0e0f10-1112131415161718-03');
    expect(newTraceparent(counter(), { sampled: false }).flags).toBe(TraceFlags.random);
  });

  it('never returns an all-zero id, and fails loudly on a broken random source', () => {
    let calls = 0;
    const zeroOnce = (size: number) => (calls++ === 0 ? new Uint8Array(size) : new Uint8Array(size).fill(7));
    expect(newTraceparent(zeroOnce).traceId).toBe('07'.repeat(16));
    expect(() => newTraceparent((size) => new Uint8Array(size))).toThrow(/invalid 16-byte id twice/);
  });

  it('continues a trace with a new parent-id and keeps the random flag', () => {
    const parent = { version: 0, traceId: ID, parentId: PARENT, flags: 0x83 };
    const child = childTraceparent(parent, counter());
    expect(child).toEqual({ version: 0, traceId: ID, parentId: '0102030405060708', flags: 0x03 });
  });

  it('derives ids from sha256 of the seed, deterministically', () => {
    // sha256("spinnaker-execution-01J") computed independently with `printf %s ... | sha256sum`.
    const derived = deriveTraceparent('spinnaker-execution-01J');
    expect(derived.ok).toBe(true);
    if (derived.ok) {
      expect(formatTraceparent(derived.value)).toBe('00-3cf398a4ddd9f3ad0924e6e3d44cbac0-573b661481b182a7-01');
      expect(deriveTraceparent('spinnaker-execution-01J')).toEqual(derived);
      expect(deriveTraceparent('spinnaker-execution-01K')).not.toEqual(derived);
    }
    expect(deriveTraceparent('')).toEqual({ ok: false, problem: 'cannot derive a trace id from an empty string' });
  });
});

describe('parseTraceparent against the grammar as one regular expression (seeded mutations)', () => {
  // The spec's rules written independently as an oracle: version 00 exactly, or a higher version (not ff)
  // whose first 55 characters follow the same shape and are followed by the end or "-".
  const oracle = /^(?:00|(?!ff|00)[0-9a-f]{2})-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(?:-[\s\S]*)?$/;
  const accepts = (v: string) => oracle.test(v) && !(v.startsWith('00-') && v.length !== 55);

  const alphabet = '0123456789abcdefABCDEF-. \tzx';

  it('agrees on 20000 mutations of valid values', () => {
    const next = seededRandom(42);
    const pick = (s: string) => s[Math.floor(next() * s.length)] ?? '';
    const seeds = [VALID, `cc-${ID}-${PARENT}-01`, `cc-${ID}-${PARENT}-01-more`, `00-${'0'.repeat(31)}1-${PARENT}-00`];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let v = seeds[i % seeds.length] ?? VALID;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const at = Math.floor(next() * (v.length + 1));
        const op = next();
        if (op < 0.4) v = v.slice(0, at) + pick(alphabet) + v.slice(at + 1);
        else if (op < 0.7) v = v.slice(0, at) + pick(alphabet) + v.slice(at);
        else v = v.slice(0, at) + v.slice(at + 1);
      }
      const ours = parseTraceparent(v).ok;
      if (ours !== accepts(v)) expect.fail(`disagreement on ${JSON.stringify(v)}: ours=${ours}`);
      if (ours) accepted++;
    }
    // Both outcomes must be well represented, or the comparison proves little.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19_000);
  });
});
