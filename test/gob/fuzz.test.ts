import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GobDecoder, GobEOFError, GobEncoder, GobError, GobSyncDecoder, t } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { ByteSource, GobLimits } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { Box, INT32_FIELDS, KINDS, RpcError } from './argo-types.js';
import { randomBox, randomValue } from './random.js';
import { seededRandom } from '../support/random.js';
import { removeTempDirs, runPeer, tempDir } from './peer.js';

afterAll(removeTempDirs);

// Fuzz: random and mutated gob streams (seeded from real Go streams and our own) must only ever produce values or
// GobErrors: no other exception (crash), no hang (every step consumes input; limits cap the rest), no unbounded
// memory (counts are checked against the remaining input and the limits before anything is allocated).

const LIMITS: Partial<GobLimits> = { maxMessageBytes: 1 << 16, maxDepth: 64, maxElements: 1 << 12, maxTypes: 512 };
const CASES = 100_000;

function goSeeds(): Buffer[] {
  const seeds: Buffer[] = [];
  const specs: Array<[number, number, string]> = [
    [1, 3, 'Measurement'], [2, 4, 'RpcError,map[string]string,string,struct{}'], [3, 3, 'iface:Box'],
    [4, 2, 'iface:GetMetadataArgs'], [5, 1, 'iface:RunArgs'], [6, 2, 'Metric'], [7, 6, 'iface:Box,Measurement,string'],
  ];
  for (const [seed, n, kinds] of specs) {
    const dir = tempDir('gob-fuzz-');
    runPeer(['gen', '-seed', String(seed), '-n', String(n), '-out', dir, '-kinds', kinds]);
    seeds.push(readFileSync(join(dir, 'stream.gob')));
  }
  return seeds;
}

function tsSeeds(): Buffer[] {
  const g = { next: seededRandom(5), int32Fields: INT32_FIELDS };
  const out: Buffer[] = [];
  for (let s = 0; s < 8; s++) {
    const enc = new GobEncoder();
    const parts: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const [, type, how] = KINDS[Math.floor(g.next() * 7)]!; // the direct kinds: small
      parts.push(how === 'iface' ? enc.encode(t.iface, { $interface: 'X', type, value: randomValue(g, type) }) : enc.encode(type, randomValue(g, type)));
    }
    parts.push(enc.encode(t.iface, { $interface: 'Box', type: Box, value: randomBox(g, { Box, RpcError, IntSlice: t.slice(t.int) }).input }));
    out.push(Buffer.concat(parts));
  }
  return out;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xf8, 0xfe, 0xff, 0x03, 0x10, 0x0c];

function mutate(rand: () => number, seeds: Buffer[]): Buffer {
  const pick = (n: number): number => Math.floor(rand() * n);
  if (pick(50) === 0) return Buffer.from(Array.from({ length: pick(64) }, () => pick(256)));
  let b = Buffer.from(seeds[pick(seeds.length)]!);
  for (let m = 1 + pick(4); m > 0 && b.length > 0; m--) {
    const at = pick(b.length);
    switch (pick(8)) {
      case 0: b[at] = b[at]! ^ (1 << pick(8)); break;
      case 1: b[at] = INTERESTING[pick(INTERESTING.length)]!; break;
      case 2: b[at] = pick(256); break;
      case 3: b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256))), b.subarray(at)]); break;
      case 4: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(16)))]); break;
      case 5: b = b.subarray(0, at); break;
      case 6: { const len = 1 + pick(32); b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]); break; }
      default: { const other = seeds[pick(seeds.length)]!; const o = pick(other.length); b = Buffer.concat([b.subarray(0, at), other.subarray(o, o + 1 + pick(64))]); }
    }
  }
  return b;
}

type Outcome = { values: number; error?: string };

function runSync(bytes: Buffer): Outcome {
  const dec = new GobSyncDecoder(bytes, LIMITS);
  let values = 0;
  // Each decode consumes at least one message byte, so this loop is bounded by the input length.
  for (let guard = 0; !dec.atEnd; guard++) {
    if (guard > bytes.length) throw new Error('decoder made no progress');
    try {
      dec.decode();
      values++;
    } catch (e) {
      if (!(e instanceof GobError) || e.message.startsWith('gob: internal error')) throw e;
      return { values, error: e.message };
    }
  }
  return { values };
}

async function runAsync(bytes: Buffer): Promise<Outcome> {
  let pos = 0;
  const source: ByteSource = {
    readExactly: (n) => {
      if (pos + n > bytes.length) {
        const had = bytes.length - pos;
        pos = bytes.length;
        return Promise.reject(had === 0 ? new GobEOFError() : new GobError('gob: unexpected EOF'));
      }
      pos += n;
      return Promise.resolve(bytes.subarray(pos - n, pos));
    },
  };
  const dec = new GobDecoder(source, LIMITS);
  let values = 0;
  for (let guard = 0; ; guard++) {
    if (guard > bytes.length) throw new Error('async decoder made no progress');
    try {
      await dec.decode();
      values++;
    } catch (e) {
      if (!(e instanceof GobError) || e.message.startsWith('gob: internal error')) throw e;
      return e instanceof GobEOFError ? { values } : { values, error: e.message };
    }
  }
}

describe('gob decoder fuzz (seeded)', () => {
  const all = [...goSeeds(), ...tsSeeds()];
  // Small seeds weigh more: they reach more distinct code per byte, and keep the run short.
  const seeds = all.flatMap((s) => (s.length > 8192 ? [s] : [s, s, s, s, s, s]));

  it(`${CASES} random/mutated streams: only values or GobErrors`, () => {
    const rand = seededRandom(20261201);
    const before = process.memoryUsage().heapUsed;
    let errors = 0;
    let values = 0;
    let bytes = 0;
    for (let i = 0; i < CASES; i++) {
      const input = mutate(rand, seeds);
      bytes += input.length;
      let out: Outcome;
      try {
        out = runSync(input);
      } catch (e) {
        throw new Error(`case ${i} (input ${input.toString('hex').slice(0, 400)}): ${e instanceof Error ? e.stack : String(e)}`);
      }
      values += out.values;
      if (out.error !== undefined) errors++;
    }
    const grownMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // eslint-disable-next-line no-console
    console.log(`fuzz: ${CASES} cases, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${values} values decoded, ${errors} GobErrors, heap +${grownMiB.toFixed(1)} MiB`);
    expect(errors).toBeGreaterThan(CASES / 10);
    expect(values).toBeGreaterThan(CASES / 10);
    expect(grownMiB).toBeLessThan(512);
  });

  it('the async decoder (retrying on messages not yet read) agrees with the sync one on 3000 mutated streams', async () => {
    const rand = seededRandom(77);
    let differing = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mutate(rand, seeds);
      const a = runSync(input);
      const b = await runAsync(input);
      // Same values; the same error, except where the async reader reports a truncated tail as unexpected EOF.
      if (a.values !== b.values || (a.error !== b.error && !(a.error?.includes('EOF') || b.error?.includes('EOF')))) {
        differing++;
        if (differing === 1) expect({ i, sync: a, async: b, input: input.toString('hex') }).toBeUndefined();
      }
    }
    expect(differing).toBe(0);
  });
});
