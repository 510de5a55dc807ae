// The judge's statistics against SciPy (the peer): the same fixed data sets, including ties and small samples,
// are computed by scipy_reference.py at test time and by our code, and must agree.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fisherExactTest, twoProportionZTest } from '../../rollouts-metric-plugin/judge/stats/proportions.js';
import { mannWhitneyU } from '../../rollouts-metric-plugin/judge/stats/mann-whitney.js';
import { compareHistograms, type Bucket } from '../../rollouts-metric-plugin/judge/stats/histogram.js';
import { chiSquareSf, normalCdf, normalPpf, normalSf } from '../../rollouts-metric-plugin/judge/stats/special.js';
import { seededRandom } from '../support/random.js';

const script = fileURLToPath(new URL('./scipy_reference.py', import.meta.url));

function scipy<T>(cases: unknown[]): T[] {
  // No fallback: without python3 + scipy this throws and the test fails loudly (test/setup.d/judge.sh installs them).
  const out = execFileSync('python3', [script], { input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(out, (_k, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as T[];
}

function close(actual: number, expected: number, rel = 1e-9, abs = 1e-12): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(expected)));
}

// Seeded pseudo-random data so data sets are fixed but not hand-picked.
const r = seededRandom(42);
const lat = (n: number, scale: number, shift: number): number[] =>
  Array.from({ length: n }, () => shift + scale * -Math.log(1 - r()));
const rounded = (xs: number[], step: number): number[] => xs.map((x) => Math.round(x / step) * step);

const mwSets: Array<{ name: string; x: number[]; y: number[] }> = [
  { name: 'tiny, no ties', x: [1.1, 2.2, 3.3], y: [0.5, 4.4, 5.5, 6.6] },
  { name: 'small exact (8 vs 7)', x: lat(8, 1, 0), y: lat(7, 1, 0.5) },
  { name: 'small with ties', x: [1, 2, 2, 3, 5], y: [2, 2, 4, 4, 6, 7] },
  { name: 'all tied but one', x: [3, 3, 3, 3], y: [3, 3, 3, 9] },
  { name: 'medium shifted', x: lat(40, 0.05, 0.12), y: lat(55, 0.05, 0.1) },
  { name: 'medium, heavy ties (rounded latencies)', x: rounded(lat(60, 0.1, 0.1), 0.05), y: rounded(lat(60, 0.1, 0.1), 0.05) },
  { name: 'large identical distributions', x: lat(300, 0.2, 0), y: lat(280, 0.2, 0) },
  { name: 'one-point samples', x: [0.3], y: [0.1, 0.2] },
];

describe('statistics agree with SciPy', () => {
  let mwRef: Array<{ u1: number; pValue: number }>;
  const mwCases = mwSets.flatMap((s) =>
    (['two-sided', 'greater', 'less'] as const).flatMap((alternative) =>
      (['asymptotic', ...(s.x.length <= 8 || s.y.length <= 8 ? (['exact'] as const) : [])] as const).map((method) => ({
        set: s,
        alternative,
        method,
      })),
    ),
  );
  const fisherTables: Array<[[number, number], [number, number]]> = [
    [[3, 97], [0, 100]],
    [[8, 2], [1, 5]],
    [[0, 10], [0, 12]],
    [[12, 5], [3, 20]],
    [[1, 999], [0, 1000]],
    [[30, 970], [10, 990]],
  ];
  const zCases: Array<{ a: [number, number]; b: [number, number] }> = [
    { a: [52, 1000], b: [31, 1000] },
    { a: [5, 400], b: [7, 380] },
    { a: [1200, 20000], b: [1100, 21000] },
  ];
  const chiTables = [
    [[10, 40, 30, 15, 5], [12, 35, 33, 14, 6]],
    [[100, 50, 20, 10], [60, 70, 40, 30]],
  ];
  let fisherRef: Array<{ oddsRatio: number; pValue: number }>;
  let zRef: Array<{ z: number; pValue: number }>;
  let chiRef: Array<{ statistic: number; pValue: number; dof: number }>;
  let special: { normCdf: number[]; normSf: number[]; normPpf: number[]; chi2Sf: number[] };
  const zs = [-8, -3.5, -1.96, -0.5, 0, 0.25, 1, 1.6448536, 2.5, 6, 9];
  const ps = [1e-12, 1e-6, 0.001, 0.01, 0.025, 0.1, 0.5, 0.8, 0.975, 0.99, 0.999999];
  const chi2: Array<[number, number]> = [[0.5, 1], [3.84, 1], [10, 3], [25, 10], [100, 4], [1e-3, 2], [60, 60]];

  beforeAll(() => {
    mwRef = scipy(mwCases.map((c) => ({ kind: 'mannwhitneyu', x: c.set.x, y: c.set.y, alternative: c.alternative, method: c.method })));
    const alts = ['two-sided', 'greater', 'less'] as const;
    fisherRef = scipy(fisherTables.flatMap((t) => alts.map((alternative) => ({ kind: 'fisher', table: t, alternative }))));
    zRef = scipy(zCases.flatMap((c) => alts.map((alternative) => ({ kind: 'ztest', a: c.a, b: c.b, alternative }))));
    chiRef = scipy(chiTables.map((table) => ({ kind: 'chi2_contingency', table })));
    [special] = scipy<typeof special>([{ kind: 'special', z: zs, p: ps, chi2 }]) as [typeof special];
  }, 60_000);

  it('Mann-Whitney U: statistic and p-value for every data set, alternative and method', () => {
    expect(mwCases.length).toBeGreaterThan(20);
    mwCases.forEach((c, i) => {
      const ours = mannWhitneyU(c.set.x, c.set.y, { alternative: c.alternative, method: c.method });
      const ref = mwRef[i] as { u1: number; pValue: number };
      close(ours.u1, ref.u1);
      close(ours.pValue, ref.pValue, 1e-9, 1e-14);
    });
  });

  it("Fisher's exact test, all alternatives", () => {
    const alts = ['two-sided', 'greater', 'less'] as const;
    fisherTables.forEach((t, ti) =>
      alts.forEach((alternative, ai) => {
        const ours = fisherExactTest({ events: t[0][0], total: t[0][0] + t[0][1] }, { events: t[1][0], total: t[1][0] + t[1][1] }, alternative);
        const ref = fisherRef[ti * 3 + ai] as { oddsRatio: number; pValue: number };
        close(ours.pValue, ref.pValue, 1e-9, 1e-15);
        close(ours.oddsRatio, ref.oddsRatio);
      }),
    );
  });

  it('two-proportion z-test', () => {
    const alts = ['two-sided', 'greater', 'less'] as const;
    zCases.forEach((c, ci) =>
      alts.forEach((alternative, ai) => {
        const ours = twoProportionZTest({ events: c.a[0], total: c.a[1] }, { events: c.b[0], total: c.b[1] }, alternative);
        const ref = zRef[ci * 3 + ai] as { z: number; pValue: number };
        close(ours.z, ref.z);
        close(ours.pValue, ref.pValue, 1e-9, 1e-15);
      }),
    );
  });

  it('chi-square homogeneity of two histograms equals chi2_contingency on the merged table', () => {
    chiTables.forEach((table, i) => {
      const toBuckets = (row: number[]): Bucket[] => {
        let acc = 0;
        return row.map((c, j) => ({ le: j === row.length - 1 ? Number.POSITIVE_INFINITY : 0.1 * (j + 1), count: (acc += c) }));
      };
      const ours = compareHistograms(toBuckets(table[0] as number[]), toBuckets(table[1] as number[]));
      const ref = chiRef[i] as { statistic: number; pValue: number; dof: number };
      expect(ours.groups.length).toBe((table[0] as number[]).length); // every bucket is dense enough here
      close(ours.statistic, ref.statistic);
      close(ours.pValue, ref.pValue, 1e-9, 1e-15);
      expect(ours.degreesOfFreedom).toBe(ref.dof);
    });
  });

  it('normal CDF/SF/PPF and chi-square SF', () => {
    zs.forEach((z, i) => {
      close(normalCdf(z), special.normCdf[i] as number, 1e-12, 1e-300);
      close(normalSf(z), special.normSf[i] as number, 1e-12, 1e-300);
    });
    ps.forEach((p, i) => close(normalPpf(p), special.normPpf[i] as number, 1e-12));
    chi2.forEach(([x, k], i) => close(chiSquareSf(x, k), special.chi2Sf[i] as number, 1e-11, 1e-300));
  });
});
