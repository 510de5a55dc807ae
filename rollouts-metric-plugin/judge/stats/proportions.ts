// Comparing two rates (error rates): a pooled two-proportion z-test, Fisher's exact test when counts are small,
// and Newcombe's hybrid score interval for the difference.
import { lnFactorial, normalCdf, normalPpf, normalSf } from './special.js';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface ProportionSample {
  /** Events (e.g. 5xx responses). */
  events: number;
  /** Trials (e.g. all responses). */
  total: number;
}

export interface ProportionTest {
  test: 'two-proportion-z' | 'fisher-exact';
  /** canary rate − stable rate */
  difference: number;
  pValue: number;
  /** z statistic (z-test) or the odds ratio (Fisher). */
  statistic: number;
  /** Confidence interval of the difference (Newcombe hybrid score). */
  ci: readonly [number, number];
  confidence: number;
}

function checkSample(s: ProportionSample, name: string): void {
  if (!Number.isInteger(s.events) || !Number.isInteger(s.total) || s.events < 0 || s.total < 0 || s.events > s.total) {
    throw new RangeError(`${name}: need integers 0 ≤ events ≤ total, got ${s.events}/${s.total}`);
  }
}

/** Pooled two-proportion z-test of a (canary) against b (stable). `greater` asks whether a's rate is higher. */
export function twoProportionZTest(a: ProportionSample, b: ProportionSample, alternative: Alternative = 'two-sided'): { z: number; pValue: number } {
  checkSample(a, 'canary');
  checkSample(b, 'stable');
  if (a.total === 0 || b.total === 0) return { z: Number.NaN, pValue: Number.NaN };
  const p1 = a.events / a.total;
  const p2 = b.events / b.total;
  const pooled = (a.events + b.events) / (a.total + b.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  const pValue = alternative === 'greater' ? normalSf(z) : alternative === 'less' ? normalCdf(z) : Math.min(1, 2 * normalSf(Math.abs(z)));
  return { z, pValue };
}

/**
 * Fisher's exact test on the 2×2 table [[a.events, a.total−a.events], [b.events, b.total−b.events]], with SciPy's
 * conventions: two-sided sums every table no more likely than the observed one (relative tolerance 1e-7).
 */
export function fisherExactTest(a: ProportionSample, b: ProportionSample, alternative: Alternative = 'two-sided'): { oddsRatio: number; pValue: number } {
  checkSample(a, 'canary');
  checkSample(b, 'stable');
  const x11 = a.events;
  const x12 = a.total - a.events;
  const x21 = b.events;
  const x22 = b.total - b.events;
  const oddsRatio = x12 * x21 === 0 ? (x11 * x22 === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : (x11 * x22) / (x12 * x21);
  const row1 = a.total;
  const col1 = x11 + x21;
  const n = a.total + b.total;
  if (row1 === 0 || n - row1 === 0 || col1 === 0 || n - col1 === 0) return { oddsRatio, pValue: 1 };
  const lo = Math.max(0, col1 - (n - row1));
  const hi = Math.min(row1, col1);
  const base = lnFactorial(row1) + lnFactorial(n - row1) + lnFactorial(col1) + lnFactorial(n - col1) - lnFactorial(n);
  const pmf = (k: number): number =>
    Math.exp(base - lnFactorial(k) - lnFactorial(row1 - k) - lnFactorial(col1 - k) - lnFactorial(n - row1 - col1 + k));
  let p = 0;
  if (alternative === 'greater') {
    for (let k = x11; k <= hi; k++) p += pmf(k);
  } else if (alternative === 'less') {
    for (let k = lo; k <= x11; k++) p += pmf(k);
  } else {
    const observed = pmf(x11) * (1 + 1e-7);
    for (let k = lo; k <= hi; k++) {
      const pk = pmf(k);
      if (pk <= observed) p += pk;
    }
  }
  return { oddsRatio, pValue: Math.min(1, p) };
}

/** Wilson score interval of one proportion. */
export function wilsonInterval(s: ProportionSample, confidence = 0.95): readonly [number, number] {
  checkSample(s, 'sample');
  if (s.total === 0) return [0, 1];
  const z = normalPpf(1 - (1 - confidence) / 2);
  const p = s.events / s.total;
  const denom = 1 + (z * z) / s.total;
  const centre = (p + (z * z) / (2 * s.total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / s.total + (z * z) / (4 * s.total * s.total))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Newcombe's hybrid score interval (method 10) for the difference of two proportions a − b. */
export function newcombeInterval(a: ProportionSample, b: ProportionSample, confidence = 0.95): readonly [number, number] {
  const [l1, u1] = wilsonInterval(a, confidence);
  const [l2, u2] = wilsonInterval(b, confidence);
  const p1 = a.total === 0 ? 0 : a.events / a.total;
  const p2 = b.total === 0 ? 0 : b.events / b.total;
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/**
 * Compare canary (a) with stable (b). Fisher's exact test when any expected cell count is below 5 (Cochran's rule),
 * otherwise the pooled z-test.
 */
export function compareProportions(
  a: ProportionSample,
  b: ProportionSample,
  options: { alternative?: Alternative; confidence?: number } = {},
): ProportionTest {
  const alternative = options.alternative ?? 'two-sided';
  const confidence = options.confidence ?? 0.95;
  checkSample(a, 'canary');
  checkSample(b, 'stable');
  const n = a.total + b.total;
  const events = a.events + b.events;
  const expected = n === 0 ? [0] : [a.total, b.total].flatMap((row) => [(row * events) / n, (row * (n - events)) / n]);
  const difference = (a.total === 0 ? 0 : a.events / a.total) - (b.total === 0 ? 0 : b.events / b.total);
  const ci = newcombeInterval(a, b, confidence);
  if (Math.min(...expected) < 5) {
    const f = fisherExactTest(a, b, alternative);
    return { test: 'fisher-exact', difference, pValue: f.pValue, statistic: f.oddsRatio, ci, confidence };
  }
  const zt = twoProportionZTest(a, b, alternative);
  return { test: 'two-proportion-z', difference, pValue: zt.pValue, statistic: zt.z, ci, confidence };
}
