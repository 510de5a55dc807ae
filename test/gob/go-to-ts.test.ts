import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GobDecoder, GobEOFError, GobSyncDecoder, StreamByteSource, goTimeFromBinary } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { ByteSource, GobValue } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { canonical, normalize } from './normal.js';
import type { Normal } from './normal.js';
import { removeTempDirs, runPeer, tempDir } from './peer.js';

afterAll(removeTempDirs);

// Property: values of the real argo-rollouts v1.9.1 types, randomised and gob-encoded by real Go on one stream each
// (RunArgs/TerminateAndResumeArgs/... inside an interface as the host sends them), decode in TS to the same data.

interface Expected { kind: string; value: Normal }

function generate(seed: number, n: number, kinds?: string): { stream: Buffer; expected: Expected[]; dir: string } {
  const dir = tempDir(`gob-go2ts-${seed}-`);
  runPeer(['gen', '-seed', String(seed), '-n', String(n), '-out', dir, ...(kinds ? ['-kinds', kinds] : [])]);
  const expected = readFileSync(join(dir, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Expected);
  return { stream: readFileSync(join(dir, 'stream.gob')), expected, dir };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const PER_STREAM = 250;

describe('Go encodes, TS decodes (real argo-rollouts types)', () => {
  let total = 0;
  it.each(SEEDS)(`seed %i: ${PER_STREAM} mixed values on one stream decode to the same data (sync decoder)`, (seed) => {
    const { stream, expected } = generate(seed, PER_STREAM);
    const dec = new GobSyncDecoder(stream);
    for (const [i, want] of expected.entries()) {
      const got = dec.decode();
      expect(normalize(got), `value ${i} (${want.kind})`).toEqual(canonical(want.value));
      total++;
    }
    expect(dec.atEnd).toBe(true);
    expect(() => dec.decode()).toThrow(GobEOFError);
    // eslint-disable-next-line no-console
    if (seed === SEEDS[SEEDS.length - 1]) console.log(`go→ts: ${total} Go-encoded values decoded and compared`);
  });

  it('the same streams through the async decoder over a file stream in small chunks', async () => {
    const { expected, dir } = generate(99, 200);
    const source = new StreamByteSource(createReadStream(join(dir, 'stream.gob'), { highWaterMark: 7 }));
    const dec = new GobDecoder(source);
    for (const [i, want] of expected.entries()) {
      expect(normalize(await dec.decode()), `value ${i} (${want.kind})`).toEqual(canonical(want.value));
    }
    await expect(dec.decode()).rejects.toBeInstanceOf(GobEOFError);
  });

  it('Box values (interfaces nested in interfaces, defined mid-message) through a source that only reads on demand', async () => {
    const { stream, expected } = generate(21, 400, 'iface:Box');
    // A source without buffered reads: every message the value still needs arrives only after a retry.
    let pos = 0;
    let reads = 0;
    const source: ByteSource = {
      readExactly: async (n) => {
        reads++;
        await new Promise((r) => setImmediate(r));
        if (pos === stream.length) throw new GobEOFError();
        if (pos + n > stream.length) throw new Error('short read');
        pos += n;
        return stream.subarray(pos - n, pos);
      },
    };
    const dec = new GobDecoder(source);
    for (const [i, want] of expected.entries()) {
      expect(normalize(await dec.decode()), `value ${i}`).toEqual(canonical(want.value));
    }
    await expect(dec.decode()).rejects.toBeInstanceOf(GobEOFError);
    expect(reads).toBeGreaterThan(expected.length);
    expect(normalize(new GobSyncDecoder(stream).decodeAll() as GobValue)).toEqual(expected.map((e) => canonical(e.value)));
  });

  it('first Run from Go: full type graph (JobSpec → PodSpec) decodes, times parse with their zones', () => {
    const { stream, expected } = generate(11, 40, 'iface:RunArgs');
    const dec = new GobSyncDecoder(stream);
    const first = dec.decode() as { $interface: string; value: GobValue };
    expect(first.$interface).toBe('RunArgs');
    expect(normalize(first)).toEqual(canonical(expected[0]!.value));
    const names = [...dec.definitions.values()].map((w) => (w.struct ?? w.slice ?? w.map ?? w.array ?? w.gobEncoder)?.common.name);
    expect(names).toEqual(expect.arrayContaining(['RunArgs', 'AnalysisRun', 'JobSpec', 'PodSpec', 'Container', 'Time']));
    expect(dec.definitions.size).toBeGreaterThan(100);
    for (const v of dec.decodeAll()) {
      const run = (v as { value: { AnalysisRun?: { ObjectMeta?: { CreationTimestamp?: Uint8Array } } } }).value;
      const ts = run.AnalysisRun?.ObjectMeta?.CreationTimestamp;
      if (ts !== undefined) expect(goTimeFromBinary(ts).date.getTime()).not.toBeNaN();
    }
  });
});
