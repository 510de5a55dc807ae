// Mann-Whitney U (Wilcoxon rank-sum) with SciPy's conventions, and the Hodges-Lehmann shift estimate with its
// confidence interval — the Kayenta-style comparison of two distributions of time-series points.
import { normalPpf, normalSf } from './special.js';
import type { Alternative } from './proportions.js';

export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U statistic of the first sample (SciPy's `statistic`). */
  u1: number;
  pValue: number;
  method: MannWhitneyMethod;
  /** Whether ties were present (forces the asymptotic method in `auto`). */
  ties: boolean;
  n1: number;
  n2: number;
}

/** Midranks (1-based) of the pooled values plus the sizes of tie groups. */
export function rankWithTies(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
    tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

const exactCache = new Map<string, number[]>();

/** Counts of arrangements for each U value (coefficients of the Gaussian binomial [m+n choose m]_q). */
export function exactUCounts(m: number, n: number): number[] {
  const [a, b] = m <= n ? [m, n] : [n, m];
  const key = `${a},${b}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  if (a * b > 20_000) throw new RangeError(`exact Mann-Whitney distribution too large for n1=${m}, n2=${n}`);
  let poly = [1];
  for (let i = 1; i <= a; i++) {
    // multiply by (1 − q^(b+i))
    const next = poly.concat(new Array<number>(b + i).fill(0));
    for (let k = 0; k < poly.length; k++) next[k + b + i] = (next[k + b + i] as number) - (poly[k] as number);
    // divide by (1 − q^i): out[k] = in[k] + out[k−i]
    for (let k = i; k < next.length; k++) next[k] = (next[k] as number) + (next[k - i] as number);
    poly = next.slice(0, a * b + 1);
  }
  exactCache.set(key, poly);
  return poly;
}

function exactSf(u: number, m: number, n: number): number {
  const counts = exactUCounts(m, n);
  let total = 0;
  let tail = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k] as number;
    if (k >= u) tail += counts[k] as number;
  }
  return tail / total;
}

/** SciPy's `auto`: exact only without ties and when either sample has at most 8 values. */
export function chooseMethod(n1: number, n2: number, ties: boolean): MannWhitneyMethod {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return ties ? 'asymptotic' : 'exact';
}

/** Mann-Whitney U test of x against y, as `scipy.stats.mannwhitneyu(x, y, use_continuity=True, alternative, method)`. */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: { alternative?: Alternative; method?: MannWhitneyMethod | 'auto'; continuity?: boolean } = {},
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs at least one value in each sample');
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError('Mann-Whitney U needs finite values');
  const alternative = options.alternative ?? 'two-sided';
  const { ranks, tieSizes } = rankWithTies([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i] as number;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const ties = tieSizes.some((t) => t > 1);
  const method = !options.method || options.method === 'auto' ? chooseMethod(n1, n2, ties) : options.method;
  const [u, factor] = alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];
  let p: number;
  if (method === 'exact') {
    p = exactSf(u, n1, n2);
  } else {
    const n = n1 + n2;
    const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0);
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const numerator = u - (n1 * n2) / 2 - ((options.continuity ?? true) ? 0.5 : 0);
    p = sd === 0 ? Number.NaN : normalSf(numerator / sd);
  }
  return { u1, pValue: Math.min(1, Math.max(0, p * factor)), method, ties, n1, n2 };
}

export interface HodgesLehmann {
  /** Median of all pairwise differences x_i − y_j: the estimated shift of x over y. */
  shift: number;
  ci: readonly [number, number];
  confidence: number;
}

/**
 * Hodges-Lehmann estimate of the shift between x and y with the distribution-free confidence interval from the
 * ordered pairwise differences (normal approximation of the U critical value; Hollander & Wolfe §4.3).
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): HodgesLehmann {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Hodges-Lehmann needs at least one value in each sample');
  if (n1 * n2 > 5_000_000) throw new RangeError(`Hodges-Lehmann: ${n1}×${n2} pairwise differences is too many`);
  const diffs = new Float64Array(n1 * n2);
  let k = 0;
  for (const xi of x) for (const yj of y) diffs[k++] = xi - yj;
  diffs.sort();
  const m = diffs.length;
  const shift = m % 2 === 1 ? (diffs[(m - 1) / 2] as number) : ((diffs[m / 2 - 1] as number) + (diffs[m / 2] as number)) / 2;
  const z = normalPpf(1 - (1 - confidence) / 2);
  const c = Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12));
  const lowerIndex = Math.min(m - 1, Math.max(0, c - 1));
  const upperIndex = Math.max(0, Math.min(m - 1, m - c));
  return { shift, ci: [diffs[lowerIndex] as number, diffs[upperIndex] as number], confidence };
}
