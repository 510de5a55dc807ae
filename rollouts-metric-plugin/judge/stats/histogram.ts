// Classic (cumulative `le`) Prometheus histograms: quantiles exactly as PromQL's histogram_quantile computes them,
// the error bound the bucket layout implies, and a bucket-level homogeneity test of two histograms.
import { chiSquareSf } from './special.js';

/** One cumulative bucket: `count` observations ≤ `le`. The last bucket must be `le = +Inf`. */
export interface Bucket {
  le: number;
  count: number;
}

export interface QuantileEstimate {
  /** PromQL's interpolated value (NaN when undefined, as PromQL returns). */
  value: number;
  /** The bucket that holds the rank: the true quantile lies in [lower, upper]. */
  lower: number;
  upper: number;
}

/** Sort, check the +Inf bucket, and repair non-monotonic counts the way Prometheus does. */
export function normaliseBuckets(buckets: readonly Bucket[]): Bucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const out: Bucket[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.le === b.le) {
      prev.count += b.count; // duplicate `le` series are summed (e.g. "1" and "1.0")
      continue;
    }
    out.push({ le: b.le, count: b.count });
  }
  let max = 0;
  for (const b of out) {
    if (b.count < max) b.count = max;
    max = b.count;
  }
  return out;
}

/** histogram_quantile(q, buckets) with Prometheus's rules, plus the bounding bucket. */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): QuantileEstimate {
  const nan = { value: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  if (Number.isNaN(q)) return nan;
  if (q < 0) return { value: Number.NEGATIVE_INFINITY, lower: Number.NEGATIVE_INFINITY, upper: Number.NEGATIVE_INFINITY };
  if (q > 1) return { value: Number.POSITIVE_INFINITY, lower: Number.POSITIVE_INFINITY, upper: Number.POSITIVE_INFINITY };
  const b = normaliseBuckets(buckets);
  const last = b[b.length - 1];
  if (b.length < 2 || !last || last.le !== Number.POSITIVE_INFINITY) return nan;
  const observations = last.count;
  if (observations === 0) return nan;
  let rank = q * observations;
  const idx = b.findIndex((x) => x.count >= rank);
  if (idx === b.length - 1) {
    const below = (b[b.length - 2] as Bucket).le;
    return { value: below, lower: below, upper: Number.POSITIVE_INFINITY };
  }
  const bucket = b[idx] as Bucket;
  if (idx === 0 && bucket.le <= 0) return { value: bucket.le, lower: Number.NEGATIVE_INFINITY, upper: bucket.le };
  let start = 0;
  let count = bucket.count;
  if (idx > 0) {
    const prev = b[idx - 1] as Bucket;
    start = prev.le;
    count -= prev.count;
    rank -= prev.count;
  }
  return { value: start + (bucket.le - start) * (rank / count), lower: start, upper: bucket.le };
}

/** Per-bucket (non-cumulative) counts in `le` order. */
export function bucketCounts(buckets: readonly Bucket[]): number[] {
  const b = normaliseBuckets(buckets);
  return b.map((x, i) => x.count - (i === 0 ? 0 : (b[i - 1] as Bucket).count));
}

export interface HomogeneityTest {
  test: 'chi-square-homogeneity';
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Bucket groups after merging sparse neighbours: the upper `le` of each group. */
  groups: number[];
  /** Per-group counts of each side, for the evidence. */
  canary: number[];
  stable: number[];
}

/**
 * Do the two histograms come from the same distribution? A chi-square test of homogeneity on the 2×k table of
 * bucket counts, after merging adjacent buckets until every expected count is at least `minExpected` (Cochran),
 * so sparse tails do not inflate the statistic. Both histograms must share the bucket layout.
 */
export function compareHistograms(canary: readonly Bucket[], stable: readonly Bucket[], minExpected = 5): HomogeneityTest {
  const a = normaliseBuckets(canary);
  const s = normaliseBuckets(stable);
  if (a.length !== s.length || a.some((x, i) => x.le !== (s[i] as Bucket).le)) {
    throw new RangeError('compareHistograms: canary and stable histograms have different bucket layouts');
  }
  const ca = bucketCounts(a);
  const cs = bucketCounts(s);
  const na = ca.reduce((x, y) => x + y, 0);
  const ns = cs.reduce((x, y) => x + y, 0);
  const n = na + ns;
  const groups: number[] = [];
  const ga: number[] = [];
  const gs: number[] = [];
  let accA = 0;
  let accS = 0;
  for (let i = 0; i < ca.length; i++) {
    accA += ca[i] as number;
    accS += cs[i] as number;
    const col = accA + accS;
    const enough = n > 0 && Math.min((na * col) / n, (ns * col) / n) >= minExpected;
    if (enough || i === ca.length - 1) {
      if (!enough && groups.length > 0) {
        // fold an under-filled tail into the previous group
        ga[ga.length - 1] = (ga[ga.length - 1] as number) + accA;
        gs[gs.length - 1] = (gs[gs.length - 1] as number) + accS;
        groups[groups.length - 1] = (a[i] as Bucket).le;
      } else {
        groups.push((a[i] as Bucket).le);
        ga.push(accA);
        gs.push(accS);
      }
      accA = 0;
      accS = 0;
    }
  }
  const k = groups.length;
  if (k < 2 || na === 0 || ns === 0) {
    return { test: 'chi-square-homogeneity', statistic: 0, degreesOfFreedom: 0, pValue: 1, groups, canary: ga, stable: gs };
  }
  let stat = 0;
  for (let j = 0; j < k; j++) {
    const col = (ga[j] as number) + (gs[j] as number);
    const ea = (na * col) / n;
    const es = (ns * col) / n;
    stat += ((ga[j] as number) - ea) ** 2 / ea + ((gs[j] as number) - es) ** 2 / es;
  }
  return {
    test: 'chi-square-homogeneity',
    statistic: stat,
    degreesOfFreedom: k - 1,
    pValue: chiSquareSf(stat, k - 1),
    groups,
    canary: ga,
    stable: gs,
  };
}
