// Run round-trip latency of argo-otel's TypeScript metric plugin beside the Go baseline plugin (real go-plugin
// v1.6.3 server), both driven by the real Argo Rollouts v1.9.1 host code (.cache/bin/rollouts-host bench), in
// alternating rounds of the same run. Target: TS p50 ≤ 1.5× Go. Also the first Run (whole type graph) and start-up.
import { goTarget, host, requireHarness, requireTsPlugin, standaloneTarget, startSidecar } from '../test/rollouts/harness.js';
import type { PluginTarget } from '../test/rollouts/harness.js';

interface LatencyStats {
  n: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

interface BenchRound {
  target: string;
  run: LatencyStats;
  firstRunUs: number;
  startMs: number;
  firstRunRequestBytes: number;
  laterRunRequestBytes: number;
}

const RUNS = Number(process.env['ROLLOUTS_BENCH_RUNS'] ?? 2000);
const ROUNDS = Number(process.env['ROLLOUTS_BENCH_ROUNDS'] ?? 3);
// Unmeasured Runs per round after the first one: a controller talks to a warm (JIT-compiled) plugin.
const WARMUP = Number(process.env['ROLLOUTS_BENCH_WARMUP'] ?? 1000);

async function round(target: PluginTarget): Promise<BenchRound> {
  const { result, code, stderr } = await host('bench', target, ['--n', String(RUNS), '--warmup', String(WARMUP)], 300_000);
  if (code !== 0 || !result.ok) {
    throw new Error(`bench against ${target.name} failed: ${JSON.stringify(result.problems)}\n${stderr.slice(-2000)}`);
  }
  const d = result.data;
  return {
    target: target.name,
    run: d['run'] as LatencyStats,
    firstRunUs: Number(d['firstRunUs']),
    startMs: Number(d['startMs']),
    firstRunRequestBytes: Number(d['firstRunRequestBytes']),
    laterRunRequestBytes: Number(d['laterRunRequestBytes']),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export default async function bench(): Promise<void> {
  requireHarness();
  requireTsPlugin();
  const sidecar = await startSidecar();
  try {
    const targets = [goTarget, standaloneTarget, sidecar.target];
    const rounds: BenchRound[] = [];
    for (let i = 0; i < ROUNDS; i++) for (const t of targets) rounds.push(await round(t));

    const fmt = (x: number, digits = 1): string => x.toFixed(digits).padStart(10);
    process.stdout.write(`Run round trip, fixed answer: ${RUNS} sequential Runs (after ${WARMUP} warm-up) × ${ROUNDS} alternating rounds\n`);
    process.stdout.write(`${'target'.padEnd(14)}${'p50 µs'.padStart(10)}${'p99 µs'.padStart(10)}${'mean µs'.padStart(10)}` +
      `${'1st Run µs'.padStart(12)}${'start ms'.padStart(10)}${'×Go p50'.padStart(10)}\n`);
    const goP50 = median(rounds.filter((r) => r.target === goTarget.name).map((r) => r.run.p50Us));
    for (const t of targets) {
      const mine = rounds.filter((r) => r.target === t.name);
      const p50 = median(mine.map((r) => r.run.p50Us));
      process.stdout.write(`${t.name.padEnd(14)}${fmt(p50)}${fmt(median(mine.map((r) => r.run.p99Us)))}` +
        `${fmt(median(mine.map((r) => r.run.meanUs)))}  ${fmt(median(mine.map((r) => r.firstRunUs)))}` +
        `${fmt(median(mine.map((r) => r.startMs)))}${fmt(p50 / goP50, 2)}\n`);
    }
    const sizes = rounds[0];
    if (sizes) {
      process.stdout.write(`Plugin.Run request (gob, real v1alpha1 type graph): first on a stream ${sizes.firstRunRequestBytes} B, ` +
        `later ${sizes.laterRunRequestBytes} B\n`);
    }
    process.stdout.write(`target: ts-standalone p50 ≤ 1.50 × go-baseline p50\n`);
  } finally {
    await sidecar.stop();
  }
}
