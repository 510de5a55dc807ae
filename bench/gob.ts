import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BufferByteSource, GobDecoder, GobEncoder, GobSyncDecoder, goTypeFromWire, t,
} from '../rollouts-metric-plugin/transport/gob/index.js';
import type { GobInterface, WireType } from '../rollouts-metric-plugin/transport/gob/index.js';

// gob codec throughput: a realistic first Plugin.Run body (fresh stream: ~20 KB, mostly the v1.9.1 type graph)
// and steady-state Measurements, beside Go's encoding/gob on the very same values (gob-peer bench, same run).

interface GoNumbers {
  firstRunBytes: number; encodeFirstRunNs: number; decodeFirstRunNs: number;
  measurementBytes: number; measurementCount: number; encodeMeasurementNs: number; decodeMeasurementNs: number;
}

function repoRoot(): string {
  for (const start of [import.meta.dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'test/setup.d/gob.sh'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('bench/gob: cannot find the repository root (test/setup.d/gob.sh)');
}

function goPeer(root: string): string {
  const bin = join(root, '.cache/bin/gob-peer');
  if (!existsSync(bin)) execFileSync('bash', [join(root, 'test/setup.d/gob.sh')], { env: { ...process.env, REPO: root }, stdio: 'inherit' });
  if (!existsSync(bin)) throw new Error(`bench/gob: gob-peer missing at ${bin}; run test/setup.d/gob.sh`);
  return bin;
}

/** Mean ns per call over `iters` calls, after a warm-up. */
function time(iters: number, f: () => void): number {
  for (let i = 0; i < Math.min(50, iters); i++) f();
  const start = performance.now();
  for (let i = 0; i < iters; i++) f();
  return ((performance.now() - start) * 1e6) / iters;
}

async function timeAsync(iters: number, f: () => Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(20, iters); i++) await f();
  const start = performance.now();
  for (let i = 0; i < iters; i++) await f();
  return ((performance.now() - start) * 1e6) / iters;
}

function idNamed(defs: ReadonlyMap<number, WireType>, name: string): number {
  for (const [id, w] of defs) if (w.struct?.common.name === name) return id;
  throw new Error(`bench/gob: no definition named ${name}`);
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits).padStart(10);

export default async function bench(): Promise<void> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'gob-bench-'));
  const STEADY = 20_000;
  const FIRST = 300;
  const go = JSON.parse(execFileSync(goPeer(root), ['bench', '-out', dir, '-iters', String(FIRST), '-steady', String(STEADY)], { encoding: 'utf8' })) as GoNumbers;
  const firstRun = readFileSync(join(dir, 'firstrun.gob'));
  const measurements = readFileSync(join(dir, 'measurements.gob'));

  // First Run: decode on a fresh decoder each time (definitions included), sync and async.
  const decFirst = time(FIRST, () => { new GobSyncDecoder(firstRun).decode(); });
  const decFirstAsync = await timeAsync(FIRST, async () => { await new GobDecoder(new BufferByteSource(firstRun)).decode(); });
  const probe = new GobSyncDecoder(firstRun);
  const run = probe.decode() as GobInterface;
  const runType = goTypeFromWire(probe.definitions, idNamed(probe.definitions, 'RunArgs'));
  const body = { $interface: 'RunArgs', type: runType, value: run.value };
  const ourFirst = new GobEncoder().encode(t.iface, body);
  const encFirst = time(FIRST, () => { new GobEncoder().encode(t.iface, body); });

  // Steady state: one stream, types already sent.
  const mdec = new GobSyncDecoder(measurements);
  const m0 = mdec.decode();
  const mType = goTypeFromWire(mdec.definitions, idNamed(mdec.definitions, 'Measurement'));
  new GobSyncDecoder(measurements).decodeAll(); // warm-up on a separate decoder
  const startM = performance.now();
  for (let i = 0; i < STEADY; i++) mdec.decode();
  const decM = ((performance.now() - startM) * 1e6) / STEADY;
  const menc = new GobEncoder();
  menc.encode(mType, m0);
  const mBytes = menc.encode(mType, m0).length;
  const encM = time(STEADY, () => { menc.encode(mType, m0); });

  const rows: Array<[string, number, number, number]> = [
    ['first Run decode (fresh stream)', firstRun.length, decFirst, go.decodeFirstRunNs],
    ['first Run decode, async source', firstRun.length, decFirstAsync, go.decodeFirstRunNs],
    ['first Run encode (fresh stream)', ourFirst.length, encFirst, go.encodeFirstRunNs],
    ['Measurement decode (steady)', go.measurementBytes, decM, go.decodeMeasurementNs],
    ['Measurement encode (steady)', mBytes, encM, go.encodeMeasurementNs],
  ];
  console.log('\ngob codec: TypeScript vs Go encoding/gob (same values, same run)');
  console.log(`first Run body: ${firstRun.length} B from Go, ${ourFirst.length} B from us; ${probe.definitions.size} type definitions`);
  console.log(`first-Run decode time: ${(decFirst / 1e6).toFixed(3)} ms (Go ${(go.decodeFirstRunNs / 1e6).toFixed(3)} ms)`);
  console.log(`${'case'.padEnd(34)}${'bytes'.padStart(10)}${'TS µs/op'.padStart(10)}${'Go µs/op'.padStart(10)}${'TS MB/s'.padStart(10)}${'Go MB/s'.padStart(10)}${'TS val/s'.padStart(10)}${'Go/TS'.padStart(10)}`);
  for (const [name, bytes, ts, goNs] of rows) {
    console.log(`${name.padEnd(34)}${fmt(bytes, 0)}${fmt(ts / 1e3, 2)}${fmt(goNs / 1e3, 2)}${fmt((bytes / ts) * 1e3)}${fmt((bytes / goNs) * 1e3)}${fmt(1e9 / ts, 0)}${fmt(goNs / ts, 2)}`);
  }
  console.log('Go/TS > 1 means TypeScript is faster than Go on that case.');
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  await bench();
}
