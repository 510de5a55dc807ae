import { describe, expect, it } from 'vitest';
import { compareHistograms, histogramQuantile, normaliseBuckets, type Bucket } from './histogram.js';
import { exactUCounts, hodgesLehmann, mannWhitneyU, rankWithTies, chooseMethod } from './mann-whitney.js';
import { compareProportions, newcombeInterval, wilsonInterval } from './proportions.js';
import { lnFactorial, lnGamma } from './special.js';

const INF = Number.POSITIVE_INFINITY;

describe('histogramQuantile follows PromQL', () => {
  const b: Bucket[] = [
    { le: 0.1, count: 50 },
    { le: 0.5, count: 90 },
    { le: 1, count: 99 },
    { le: INF, count: 100 },
  ];
  it('interpolates linearly inside the bucket holding the rank and reports that bucket as the bound', () => {
    const q = histogramQuantile(0.7, b); // rank 70: 20 of 40 into (0.1, 0.5]
    expect(q.value).toBeCloseTo(0.3, 12);
    expect([q.lower, q.upper]).toEqual([0.1, 0.5]);
  });
  it('starts the first bucket at 0', () => {
    expect(histogramQuantile(0.25, b).value).toBeCloseTo(0.05, 12);
  });
  it('returns the largest finite bound when the rank falls in +Inf, with an unbounded error', () => {
    const q = histogramQuantile(0.999, b);
    expect(q.value).toBe(1);
    expect(q.upper).toBe(INF);
  });
  it('NaN without +Inf bucket, with no observations or fewer than two buckets; ±Inf outside [0,1]', () => {
    expect(histogramQuantile(0.5, [{ le: 1, count: 3 }, { le: 2, count: 4 }]).value).toBeNaN();
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: INF, count: 0 }]).value).toBeNaN();
    expect(histogramQuantile(0.5, [{ le: INF, count: 10 }]).value).toBeNaN();
    expect(histogramQuantile(-0.1, b).value).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, b).value).toBe(INF);
  });
  it('repairs non-monotonic counts and merges duplicate bounds like Prometheus', () => {
    expect(normaliseBuckets([{ le: INF, count: 10 }, { le: 1, count: 12 }, { le: 0.5, count: 4 }])).toEqual([
      { le: 0.5, count: 4 },
      { le: 1, count: 12 },
      { le: INF, count: 12 },
    ]);
  });
});

describe('compareHistograms', () => {
  const layout = [0.05, 0.1, 0.25, 0.5, 1, INF];
  const cumulative = (counts: number[]): Bucket[] => {
    let acc = 0;
    return counts.map((c, i) => ({ le: layout[i] as number, count: (acc += c) }));
  };
  it('same shape → large p-value; shifted tail → tiny p-value', () => {
    expect(compareHistograms(cumulative([100, 200, 300, 200, 100, 10]), cumulative([105, 195, 310, 190, 95, 12])).pValue).toBeGreaterThan(0.5);
    expect(compareHistograms(cumulative([10, 50, 100, 300, 400, 50]), cumulative([105, 195, 310, 190, 95, 12])).pValue).toBeLessThan(1e-10);
  });
  it('merges sparse buckets so every expected count is ≥ 5', () => {
    const t = compareHistograms(cumulative([1, 1, 50, 50, 1, 1]), cumulative([2, 1, 60, 40, 0, 1]));
    expect(t.groups.length).toBeLessThan(6);
    expect(t.canary.reduce((s, x) => s + x, 0)).toBe(104);
  });
  it('rejects different bucket layouts', () => {
    expect(() => compareHistograms([{ le: 1, count: 1 }, { le: INF, count: 2 }], [{ le: 2, count: 1 }, { le: INF, count: 2 }])).toThrow(/bucket layouts/);
  });
});

describe('Mann-Whitney and Hodges-Lehmann', () => {
  it('midranks ties', () => {
    expect(rankWithTies([3, 1, 3, 2])).toEqual({ ranks: [3.5, 1, 3.5, 2], tieSizes: [1, 1, 2] });
  });
  it('exact U distribution has C(m+n, m) arrangements and is symmetric', () => {
    const c = exactUCounts(4, 6);
    expect(c.reduce((s, x) => s + x, 0)).toBe(210);
    expect(c).toEqual([...c].reverse());
  });
  it('chooses exact only for small untied samples', () => {
    expect(chooseMethod(5, 20, false)).toBe('exact');
    expect(chooseMethod(5, 20, true)).toBe('asymptotic');
    expect(chooseMethod(9, 9, false)).toBe('asymptotic');
  });
  it('rejects empty and non-finite input', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one/);
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(/finite/);
  });
  it('Hodges-Lehmann recovers a known shift and its interval covers it', () => {
    const y = Array.from({ length: 50 }, (_, i) => (i * 37) % 50);
    const x = y.map((v) => v + 10);
    const hl = hodgesLehmann(x, y, 0.95);
    expect(hl.shift).toBe(10);
    expect(hl.ci[0]).toBeLessThanOrEqual(10);
    expect(hl.ci[1]).toBeGreaterThanOrEqual(10);
  });
});

describe('proportions', () => {
  it("Newcombe's published example (56/70 vs 48/80, method 10): 0.0524 to 0.3339", () => {
    // Newcombe (1998), Statistics in Medicine 17:873–890, table II, example (a).
    const [lo, hi] = newcombeInterval({ events: 56, total: 70 }, { events: 48, total: 80 });
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });
  it('Wilson interval stays in [0, 1] at the edges', () => {
    const [lo, hi] = wilsonInterval({ events: 0, total: 20 });
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.1);
  });
  it('uses Fisher when expected counts are small and z otherwise', () => {
    expect(compareProportions({ events: 3, total: 100 }, { events: 0, total: 100 }).test).toBe('fisher-exact');
    expect(compareProportions({ events: 60, total: 1000 }, { events: 30, total: 1000 }, { alternative: 'greater' }).test).toBe('two-proportion-z');
  });
  it('rejects impossible counts', () => {
    expect(() => compareProportions({ events: 5, total: 3 }, { events: 0, total: 1 })).toThrow(/events ≤ total/);
  });
});

describe('special functions', () => {
  it('lnGamma and lnFactorial agree on integers', () => {
    for (const n of [1, 2, 5, 10, 50, 170]) expect(lnGamma(n + 1)).toBeCloseTo(lnFactorial(n), 8);
    expect(lnFactorial(10)).toBeCloseTo(Math.log(3628800), 12);
  });
});
