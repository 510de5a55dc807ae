import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GobEncoder, GobSyncDecoder, goTimeToBinary, goTypeFromWire, isGobInterface, t } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { GoType, WireType } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { Box, INT32_FIELDS, KINDS, Measurement, RpcError, RunArgs, StringMap } from './argo-types.js';
import { canonical, normalize } from './normal.js';
import type { Normal } from './normal.js';
import { expectedNormal, projectOnto, randomBox, randomValue } from './random.js';
import { seededRandom } from '../support/random.js';
import { removeTempDirs, runPeer, tempDir } from './peer.js';

afterAll(removeTempDirs);

// Property: values encoded by our GobEncoder decode in real Go into the real argo-rollouts v1.9.1 types
// (v1alpha1.Measurement, types.RpcError, rpc.RunArgs via interface, ...) with the same data — checked three ways:
// Go's view == what the input says (gob's rules applied independently) == our own decoder's view.

function goDecode(stream: Buffer, kinds: string[]): Array<{ value?: Normal; error?: string }> {
  const dir = tempDir('gob-ts2go-');
  writeFileSync(join(dir, 'stream.gob'), stream);
  writeFileSync(join(dir, 'kinds.txt'), kinds.join('\n'));
  const out = runPeer(['decode', '-in', join(dir, 'stream.gob'), '-kinds', join(dir, 'kinds.txt')]);
  return out.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { value?: Normal; error?: string });
}

const SEEDS = [101, 102, 103, 104, 105, 106, 107, 108];
const PER_STREAM = 250;

describe('TS encodes, Go decodes into the real types', () => {
  let total = 0;
  it.each(SEEDS)(`seed %i: ${PER_STREAM} mixed values on one stream`, (seed) => {
    const g = { next: seededRandom(seed), int32Fields: INT32_FIELDS };
    const enc = new GobEncoder();
    const chunks: Buffer[] = [];
    const kinds: string[] = [];
    const expected: Normal[] = [];
    for (let i = 0; i < PER_STREAM; i++) {
      const [kind, type, how] = KINDS[Math.floor(g.next() * KINDS.length)]!;
      const value = randomValue(g, type);
      kinds.push(kind);
      if (how === 'iface') {
        const name = kind.slice('iface:'.length);
        chunks.push(enc.encode(t.iface, { $interface: name, type, value }));
        expected.push({ $iface: name, value: expectedNormal(type, value) });
      } else {
        chunks.push(enc.encode(type, value));
        expected.push(expectedNormal(type, value));
      }
    }
    const stream = Buffer.concat(chunks);
    const go = goDecode(stream, kinds);
    const ours = new GobSyncDecoder(stream).decodeAll().map(normalize);
    expect(go).toHaveLength(PER_STREAM);
    for (let i = 0; i < PER_STREAM; i++) {
      expect(go[i]!.error, `value ${i} (${kinds[i]}): Go error`).toBeUndefined();
      const want = canonical(expected[i]!);
      const [kind, type] = KINDS.find((k) => k[0] === kinds[i])!;
      const goView = kind.startsWith('iface:')
        ? { ...(go[i]!.value as Record<string, Normal>), value: projectOnto(type, (go[i]!.value as Record<string, Normal>).value!) }
        : projectOnto(type, go[i]!.value!);
      expect(canonical(goView), `value ${i} (${kinds[i]}) as Go sees it`).toEqual(want);
      expect(ours[i], `value ${i} (${kinds[i]}) as our decoder sees it`).toEqual(want);
      total++;
    }
    // eslint-disable-next-line no-console
    if (seed === SEEDS[SEEDS.length - 1]) console.log(`ts→go: ${total} TS-encoded values decoded by Go and compared`);
  });

  it('Box: interfaces nested inside an interface value, arrays, complex, floats, uint64 (500 values)', () => {
    const g = { next: seededRandom(777), int32Fields: INT32_FIELDS };
    const types = { Box, RpcError, IntSlice: t.slice(t.int, '[]int') };
    const enc = new GobEncoder();
    const chunks: Buffer[] = [];
    const expected: Normal[] = [];
    for (let i = 0; i < 500; i++) {
      const b = randomBox(g, types);
      chunks.push(enc.encode(t.iface, { $interface: 'Box', type: Box, value: b.input }));
      expected.push({ $iface: 'Box', value: b.normal });
    }
    const stream = Buffer.concat(chunks);
    const go = goDecode(stream, expected.map(() => 'iface:Box'));
    const ours = new GobSyncDecoder(stream).decodeAll().map(normalize);
    for (let i = 0; i < expected.length; i++) {
      expect(go[i]!.error, `value ${i}: Go error`).toBeUndefined();
      expect(canonical(go[i]!.value!), `value ${i} as Go sees it`).toEqual(canonical(expected[i]!));
      expect(ours[i], `value ${i} as our decoder sees it`).toEqual(canonical(expected[i]!));
    }
  });

  it('relay: Go-encoded values of the full v1.9.1 type graph, re-encoded by TS from the received definitions, decode in Go unchanged', () => {
    const kinds = 'iface:RunArgs,iface:TerminateAndResumeArgs,iface:GarbageCollectArgs,iface:GetMetadataArgs,Measurement,RpcError,Metric,AnalysisRun';
    const dir = tempDir('gob-relay-');
    runPeer(['gen', '-seed', '4242', '-n', '120', '-out', dir, '-kinds', kinds]);
    const lines = readFileSync(join(dir, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; value: Normal });
    const dec = new GobSyncDecoder(readFileSync(join(dir, 'stream.gob')));
    const byName = (defs: ReadonlyMap<number, WireType>, name: string): GoType => {
      for (const [id, w] of defs) if (w.struct?.common.name === name) return goTypeFromWire(defs, id);
      throw new Error(`no definition for ${name}`);
    };
    const enc = new GobEncoder();
    const chunks = lines.map(({ kind }) => {
      const v = dec.decode();
      if (isGobInterface(v)) return enc.encode(t.iface, { $interface: v.$interface, type: byName(dec.definitions, v.$interface), value: v.value });
      return enc.encode(byName(dec.definitions, kind), v);
    });
    const go = goDecode(Buffer.concat(chunks), lines.map((l) => l.kind));
    expect(go).toHaveLength(lines.length);
    for (const [i, l] of lines.entries()) {
      expect(go[i]!.error, `value ${i} (${l.kind})`).toBeUndefined();
      expect(canonical(go[i]!.value!), `value ${i} (${l.kind})`).toEqual(canonical(l.value));
    }
  });

  it('a Measurement reply with zero/absent fields, a non-nil empty map and a zero *Time', () => {
    const enc = new GobEncoder();
    const stream = Buffer.concat([
      enc.encode(Measurement, { Phase: 'Running', Metadata: new Map(), ResumeAt: new Date(Date.UTC(2030, 0, 1)) }),
      enc.encode(Measurement, { Phase: 'Successful', StartedAt: goTimeToBinary(new Date(-62135596800000)) }),
      enc.encode(StringMap, null),
    ]);
    const go = goDecode(stream, ['Measurement', 'Measurement', 'map[string]string']);
    expect(go.map((r) => r.value)).toEqual([
      { Phase: 's:Running', Metadata: { $map: [] }, ResumeAt: `b:${Buffer.from(goTimeToBinary(new Date(Date.UTC(2030, 0, 1)))).toString('hex')}` },
      { Phase: 's:Successful', StartedAt: 'b:01000000000000000000000000ffff' },
      { $map: [] },
    ]);
  });

  it('Go reports a type mismatch for a wrongly typed field (string sent where *Time is expected)', () => {
    const Bad = t.struct('Measurement', [['Phase', t.string], ['StartedAt', t.string]]);
    const go = goDecode(new GobEncoder().encode(Bad, { Phase: 'Running', StartedAt: 'now' }), ['Measurement']);
    expect(go[0]!.error).toMatch(/wrong type/);
  });

  it('RunArgs inside an interface, then again on the same stream (definitions sent once)', () => {
    const enc = new GobEncoder();
    const v = { Metric: { Name: 'err-rate', Provider: { Plugin: new Map([['acme/otel', Buffer.from('{"q":1}')]]) } } };
    const first = enc.encode(t.iface, { $interface: 'RunArgs', type: RunArgs, value: v });
    const second = enc.encode(t.iface, { $interface: 'RunArgs', type: RunArgs, value: v });
    expect(second.length).toBeLessThan(first.length / 5);
    const go = goDecode(Buffer.concat([first, second]), ['iface:RunArgs', 'iface:RunArgs']);
    expect(go[0]).toEqual(go[1]);
    const view = go[0]!.value as { $iface: string; value: Normal };
    expect({ ...view, value: canonical(projectOnto(RunArgs, view.value)) }).toEqual({ $iface: 'RunArgs', value: expectedNormal(RunArgs, v) });
  });
});
